"""No lost update on the desktop (offscreen, real SQLite, inline worker): two clerks of one institution
edit the same census record; the second save gets the stale dialog and each choice — reload, merge
field by field, overwrite — leaves the expected record and audit rows. Grade confirmation, review
steps from the editor and the queue, the restoration plan and job steps name the version shown and
say who changed it. The record's history tab shows the audit chain's state."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from guji.app import Guji
from guji.census.record import RecordData
from tests.conftest import PASSWORD

pytestmark = pytest.mark.gui

OTHER = "王二（census.a2）"


@pytest.fixture
def clerks(org: dict[str, Guji]) -> dict[str, Any]:
    """census.a (at the desktop) and census.a2 (another desk) of the same institution, and one record."""
    org["admin"].users.add_user("census.a2", PASSWORD, ["census"], institution="210000-0101", full_name="王二")
    other = Guji.sign_in(org["admin"].db, "census.a2", PASSWORD)
    rid = org["census_a"].census.register_book(RecordData(
        title="墨子十五卷", author_statement="（戰國）墨翟撰", edition_statement="明萬曆刻本", volumes=4,
        call_number="善 101", binding="線裝")).id
    return {"me": org["census_a"], "other": other, "admin": org["admin"], "rid": rid}


def window_for(app: Guji, qtbot, page: str = "census"):  # type: ignore[no-untyped-def]
    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    window = MainWindow(app, DbWorker(inline=True))
    qtbot.addWidget(window)
    return window, window.show_page(page)


def other_saves(other: Guji, rid: int, **changes: Any) -> None:
    view = other.census.get_record(rid)
    other.census.update_record(rid, replace(view.data, **changes), expected_version=view.version)


def audit_rows(admin: Guji, rid: int) -> list[Any]:
    """The record's audit entries, oldest first."""
    return list(reversed(admin.audit.history("census_record", rid)))


def stale_dialog_after_save(editor):  # type: ignore[no-untyped-def]
    editor.save()
    dialog = editor.stale_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def rows_of(dialog) -> dict[str, tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    """item name → (when opened, yours, stored now, keep) as the merge table shows them."""
    from guji.gui.qt import Qt

    t = dialog.table
    out = {}
    for r in range(t.rowCount()):
        name = t.item(r, 0).data(Qt.ItemDataRole.UserRole)
        keep = t.item(r, 4).text() if t.item(r, 4) is not None else "choose"
        out[name] = (t.item(r, 1).text(), t.item(r, 2).text(), t.item(r, 3).text(), keep)
    return out


# --- the three choices -------------------------------------------------------------------------------------

def test_reload_discards_my_edits_and_writes_nothing(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    me, other, admin, rid = clerks["me"], clerks["other"], clerks["admin"], clerks["rid"]
    _window, page = window_for(me, qtbot)
    editor = page.open_editor(rid)
    editor.set_value("call_number", "善 101A")
    other_saves(other, rid, volumes=6)
    before = audit_rows(admin, rid)
    stored_before = me.census.get_record(rid)

    dialog = stale_dialog_after_save(editor)
    assert OTHER in dialog.message.text() and "210000-0101-0000001" in dialog.message.text()
    assert rows_of(dialog) == {"call_number": ("善 101", "善 101A", "善 101", "您的（只有您改过）"),
                               "volumes": ("4", "4", "6", "现存的（只有对方改过）")}
    assert audit_rows(admin, rid) == before  # the refused save wrote nothing
    dialog.reload_button.click()

    assert not dialog.isVisible() and editor.stale_dialog is None
    now = me.census.get_record(rid)
    assert now == stored_before and now.data.call_number == "善 101" and now.data.volumes == 6
    assert audit_rows(admin, rid) == before
    assert editor.value("call_number") == "善 101" and editor.value("volumes") == "6"
    assert editor.view is not None and editor.view.version == now.version
    assert "重新载入" in editor.status.text()
    editor.set_value("notes", "重新載入後再改")  # the next save names the version now shown
    editor.save()
    assert me.census.get_record(rid).data.notes == "重新載入後再改"


def test_merge_keeps_both_changes_and_asks_for_conflicts(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.census.merge import MINE

    me, other, admin, rid = clerks["me"], clerks["other"], clerks["admin"], clerks["rid"]
    _window, page = window_for(me, qtbot)
    editor = page.open_editor(rid)
    editor.set_value("call_number", "善 101A")
    editor.set_value("notes", "卷端鈐印清晰")
    editor.seals_tab.add_row(("汪士鐘印", "汪士鐘", "卷端"))
    other_saves(other, rid, volumes=6, call_number="善 7")
    n_before = len(audit_rows(admin, rid))

    dialog = stale_dialog_after_save(editor)
    rows = rows_of(dialog)
    assert set(rows) == {"call_number", "volumes", "notes", "seals"}
    assert rows["call_number"][:3] == ("善 101", "善 101A", "善 7")  # both changed it: a conflict
    assert rows["seals"][1] == "汪士鐘印（汪士鐘，卷端）" and rows["seals"][3] == "您的（只有您改过）"
    assert not dialog.merge_button.isEnabled()  # the conflict is not decided yet
    assert "索书号" in dialog.hint.text()
    dialog.choice_buttons["call_number"][MINE].click()
    assert dialog.merge_button.isEnabled()
    dialog.merge_button.click()

    final = me.census.get_record(rid)
    assert (final.data.call_number, final.data.volumes, final.data.notes) == ("善 101A", 6, "卷端鈐印清晰")
    assert [s.text for s in final.data.seals] == ["汪士鐘印"]
    rows_now = audit_rows(admin, rid)
    assert len(rows_now) == n_before + 1
    last = rows_now[-1]
    assert last.login == "census.a" and last.action == "update"
    assert set(last.changes) == {"call_number", "notes", "seals"}  # their volumes untouched
    assert last.changes["call_number"] == ["善 7", "善 101A"]
    assert rows_now[-2].login == "census.a2" and "volumes" in rows_now[-2].changes
    assert editor.stale_dialog is None and editor.view.version == final.version
    assert editor.value("volumes") == "6" and "已保存" in editor.status.text()


def test_merge_that_is_stale_again_asks_again(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    me, other, rid = clerks["me"], clerks["other"], clerks["rid"]
    _window, page = window_for(me, qtbot)
    editor = page.open_editor(rid)
    editor.set_value("call_number", "善 101A")
    other_saves(other, rid, volumes=6)
    first = stale_dialog_after_save(editor)
    other_saves(other, rid, extant="存卷一至十")  # a third save while the dialog is open
    first.merge_button.click()

    second = editor.stale_dialog
    assert second is not None and second is not first and second.isVisible()
    # compared with what the first dialog showed as stored: only the new change is theirs
    assert rows_of(second) == {"call_number": ("善 101", "善 101A", "善 101", "您的（只有您改过）"),
                               "extant": ("—", "—", "存卷一至十", "现存的（只有对方改过）")}
    second.merge_button.click()
    final = me.census.get_record(rid).data
    assert (final.call_number, final.volumes, final.extant) == ("善 101A", 6, "存卷一至十")


def test_merge_through_the_worker_thread(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    """With the real database thread: the refusal, the current record and the merged save arrive by signal."""
    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    me, other, rid = clerks["me"], clerks["other"], clerks["rid"]
    window = MainWindow(me, DbWorker())
    qtbot.addWidget(window)
    page = window.show_page("census")
    try:
        editor = page.open_editor(rid)
        qtbot.waitUntil(lambda: editor.view is not None and not editor._loading, timeout=10000)
        editor.set_value("call_number", "善 101A")
        other_saves(other, rid, volumes=6)
        editor.save()
        qtbot.waitUntil(lambda: editor.stale_dialog is not None and editor.stale_dialog.isVisible(), timeout=10000)
        assert set(rows_of(editor.stale_dialog)) == {"call_number", "volumes"}
        editor.stale_dialog.merge_button.click()
        qtbot.waitUntil(lambda: me.census.get_record(rid).data.call_number == "善 101A", timeout=10000)
        assert me.census.get_record(rid).data.volumes == 6
        qtbot.waitUntil(lambda: editor.value("volumes") == "6" and not editor._loading, timeout=10000)
    finally:
        window.close()  # stops the worker thread (quit + wait)


def test_overwrite_after_confirmation_replaces_their_changes(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    me, other, admin, rid = clerks["me"], clerks["other"], clerks["admin"], clerks["rid"]
    _window, page = window_for(me, qtbot)
    editor = page.open_editor(rid)
    editor.set_value("title", "墨子十五卷附錄一卷")
    other_saves(other, rid, volumes=6, call_number="善 7")
    n_before = len(audit_rows(admin, rid))

    dialog = stale_dialog_after_save(editor)
    dialog.overwrite_button.click()
    box = dialog.confirm_box
    assert box is not None and box.isVisible()
    assert box.text() == f"覆盖 {OTHER} 的修改？"
    assert "册数" in box.informativeText() and "索书号" in box.informativeText()
    # Cancel first: nothing happens, the dialog stays
    next(b for b in box.buttons() if b.text() == "取消").click()
    assert dialog.isVisible() and dialog.choice is None
    assert me.census.get_record(rid).data.volumes == 6
    dialog.overwrite_button.click()
    dialog.confirm_box.findChild(type(dialog.overwrite_button), "confirm_overwrite_yes").click()

    final = me.census.get_record(rid).data
    assert (final.title, final.volumes, final.call_number) == ("墨子十五卷附錄一卷", 4, "善 101")
    rows = audit_rows(admin, rid)
    assert len(rows) == n_before + 1
    last = rows[-1]
    assert last.login == "census.a"
    assert last.changes["volumes"] == [6, 4] and last.changes["call_number"] == ["善 7", "善 101"]
    assert last.changes["title"] == ["墨子十五卷", "墨子十五卷附錄一卷"]


def test_keep_editing_writes_nothing_and_the_next_save_asks_again(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    me, other, admin, rid = clerks["me"], clerks["other"], clerks["admin"], clerks["rid"]
    _window, page = window_for(me, qtbot)
    editor = page.open_editor(rid)
    editor.set_value("call_number", "善 101A")
    other_saves(other, rid, volumes=6)
    n_before = len(audit_rows(admin, rid))
    dialog = stale_dialog_after_save(editor)
    dialog.keep_button.click()
    assert len(audit_rows(admin, rid)) == n_before
    assert editor.value("call_number") == "善 101A" and "仍" in editor.status.text()
    again = stale_dialog_after_save(editor)
    assert again is not dialog


def test_a_record_locked_meanwhile_can_only_be_reloaded(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    me, other, admin, rid = clerks["me"], clerks["other"], clerks["admin"], clerks["rid"]
    _window, page = window_for(me, qtbot)
    editor = page.open_editor(rid)
    editor.set_value("call_number", "善 101A")
    other.review.submit_for_review(rid)
    n_before = len(audit_rows(admin, rid))
    dialog = stale_dialog_after_save(editor)
    assert not dialog.merge_button.isEnabled() and not dialog.overwrite_button.isEnabled()
    assert "已提交" in dialog.hint.text()
    dialog.choose_merge()  # refused even if called
    dialog.ask_overwrite()
    assert dialog.choice is None and dialog.confirm_box is None
    dialog.reload_button.click()
    assert editor.read_only and len(audit_rows(admin, rid)) == n_before
    assert me.census.get_record(rid).data.call_number == "善 101"


# --- grade, review steps ------------------------------------------------------------------------------------

def test_stale_grade_confirmation_says_who_and_reloads(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import worker

    me, other, rid = clerks["me"], clerks["other"], clerks["rid"]
    _window, page = window_for(me, qtbot)
    editor = page.open_editor(rid)
    other_saves(other, rid, volumes=6)
    worker.last_errors.clear()
    editor.grading_tab.grade_choice.setCurrentIndex(editor.grading_tab.grade_choice.findData("3A"))
    editor.confirm_grade()
    assert worker.last_errors and OTHER in worker.last_errors[-1]
    assert me.census.get_record(rid).data.grade is None
    assert editor.value("volumes") == "6" and editor.view.version == me.census.get_record(rid).version
    editor.grading_tab.grade_choice.setCurrentIndex(editor.grading_tab.grade_choice.findData("3A"))
    editor.confirm_grade()
    assert me.census.get_record(rid).data.grade == "3A"


def test_grade_and_submit_wait_for_unsaved_edits(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    me, rid = clerks["me"], clerks["rid"]
    _window, page = window_for(me, qtbot)
    editor = page.open_editor(rid)
    editor.set_value("call_number", "善 101A")
    assert editor.unsaved_fields() == ["call_number"]
    editor.confirm_grade()
    editor.review_buttons["submit"].click()
    assert "索书号" in editor.status.text()
    view = me.census.get_record(rid)
    assert view.state == "draft" and view.data.grade is None and view.version == editor.view.version


def test_submit_from_the_editor_names_the_version_shown(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import worker

    me, other, admin, rid = clerks["me"], clerks["other"], clerks["admin"], clerks["rid"]
    _window, page = window_for(me, qtbot)
    editor = page.open_editor(rid)
    assert editor.review_buttons["submit"].isEnabled() and not editor.review_buttons["approve"].isEnabled()
    other_saves(other, rid, volumes=6)
    worker.last_errors.clear()
    editor.review_buttons["submit"].click()
    assert worker.last_errors and OTHER in worker.last_errors[-1]
    assert me.census.get_record(rid).state == "draft"
    assert not [r for r in audit_rows(admin, rid) if r.action == "submit"]
    assert editor.value("volumes") == "6"  # loaded again: the person sees what they would submit
    editor.review_buttons["submit"].click()
    assert me.census.get_record(rid).state == "submitted"
    assert editor.read_only and not editor.review_buttons["submit"].isEnabled()


def test_queue_approval_names_the_version_of_the_row(gui_app, clerks, org, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import worker

    me, admin, rid = clerks["me"], clerks["admin"], clerks["rid"]
    reviewer = org["reviewer_a"]
    me.review.submit_for_review(rid)
    _window, page = window_for(reviewer, qtbot)
    panel = page.review_panel
    page.tabs.setCurrentWidget(panel)
    panel.awaiting.selectRow(panel.awaiting_ids.index(rid))
    shown = panel.shown_versions[rid]
    # meanwhile, on other desks: returned, corrected and submitted again (same state, another version)
    Guji.sign_in(admin.db, "reviewer.a", PASSWORD).review.return_for_correction(rid, "補著者朝代")
    other_saves(clerks["other"], rid, author_statement="（周）墨翟撰", authors=[])
    clerks["other"].review.submit_for_review(rid)
    assert me.census.get_record(rid).version != shown
    worker.last_errors.clear()
    panel.step_buttons["approve"].click()
    assert worker.last_errors and OTHER in worker.last_errors[-1]
    assert me.census.get_record(rid).state == "submitted"
    # the queue was read again: approving now names the current version
    panel.awaiting.selectRow(panel.awaiting_ids.index(rid))
    assert panel.shown_versions[rid] == me.census.get_record(rid).version
    panel.step_buttons["approve"].click()
    assert me.census.get_record(rid).state == "unit_approved"


# --- the history tab: audit chain ---------------------------------------------------------------------------

def test_history_shows_the_audit_chain_state(gui_app, clerks, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from guji.gui.qt import QColor
    from tests.foundation.test_audit_chain import owner

    me, other, admin, rid = clerks["me"], clerks["other"], clerks["admin"], clerks["rid"]
    other_saves(other, rid, volumes=6)
    _window, page = window_for(me, qtbot)
    editor = page.open_editor(rid)
    n = len(audit_rows(admin, rid))
    assert editor.history_tab.chain_label.text() == f"审计链完整（{n} 条）"
    assert "c0392b" not in editor.history_tab.chain_label.styleSheet()

    target = audit_rows(admin, rid)[-1].id  # 王二's update
    with owner(admin.db) as c:
        c.execute(text("UPDATE audit_log SET login = 'nobody' WHERE id = :i"), {"i": target})
    editor = page.open_editor(rid)
    label = editor.history_tab.chain_label.text()
    assert f"记录 {target} 的内容已被改动" in label and "c0392b" in editor.history_tab.chain_label.styleSheet()
    assert "修改" in label and "nobody" in label  # the entry named: its action, who, when
    tree = editor.history_tab.history_tree
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(1) == "nobody")
    assert item.foreground(0).color() == QColor("#c0392b")


# --- restoration ----------------------------------------------------------------------------------------------

@pytest.fixture
def workshop(org: dict[str, Guji]) -> dict[str, Any]:
    """A job in assessment with two restorers of the workshop: restorer.a at the desktop, restorer.a2 elsewhere."""
    from tests.restoration.conftest import ASSESSMENT, open_job

    org["admin"].users.add_user("restorer.a2", PASSWORD, ["restorer"], institution="210000-0101",
                                full_name="趙六")
    jid = open_job(org)
    org["reviewer_a"].restoration.assign(jid, restorers=["restorer.a", "restorer.a2"])
    org["restorer_a"].restoration.record_assessment(jid, ASSESSMENT)
    return {"jid": jid, "other": Guji.sign_in(org["admin"].db, "restorer.a2", PASSWORD)}


def test_plan_saved_meanwhile_is_not_overwritten(gui_app, org, workshop, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import worker
    from guji.gui.qt import Qt
    from restoration.views import PlanInput

    me, jid, other = org["restorer_a"], workshop["jid"], workshop["other"]
    _window, page = window_for(me, qtbot, "restoration")
    page.refresh(None)
    assert page.job_id == jid and page.plan_version() == 0
    other.restoration.save_plan(jid, PlanInput(operations=["dust_removal"], estimated_hours="4",
                                               description="趙六的方案"), expected_version=0)
    page.plan_tab.plan_ops.item(0).setCheckState(Qt.CheckState.Checked)
    page.plan_tab.plan_description.setText("我的方案")
    worker.last_errors.clear()
    page.plan_tab.save()
    assert worker.last_errors and "趙六（restorer.a2）" in worker.last_errors[-1]
    assert me.restoration.plan(jid).description == "趙六的方案"  # theirs kept
    assert not [h for h in me.restoration.history(jid) if h.action == "plan" and h.login == "restorer.a"]
    assert page.plan_version() == me.restoration.plan(jid).version  # loaded again
    assert "趙六的方案" in page.plan_tab.plan_label.text() and page.plan_tab.plan_description.text() == "趙六的方案"
    page.plan_tab.plan_description.setText("我的方案（重做）")
    page.plan_tab.save()
    assert me.restoration.plan(jid).description == "我的方案（重做）"


def test_job_step_on_a_changed_job_is_refused_and_reloaded(gui_app, org, workshop, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import worker
    from restoration.views import PlanInput

    me, jid = org["restorer_a"], workshop["jid"]
    me.restoration.confirm_damage_grade(jid, "severe")
    me.restoration.save_plan(jid, PlanInput(operations=["dust_removal"], estimated_hours="4"), expected_version=0)
    _window, page = window_for(me, qtbot, "restoration")
    page.refresh(None)
    shown = page.job_version()
    org["reviewer_a"].restoration.assign(jid, priority="high")  # another desk changes the job
    worker.last_errors.clear()
    page.overview_tab.step_buttons["submit_plan"].click()
    assert worker.last_errors and "reviewer.a" in worker.last_errors[-1]
    assert me.restoration.get_job(jid).state == "assessment"
    assert page.job_version() != shown and page.job_version() == me.restoration.get_job(jid).version
    page.overview_tab.step_buttons["submit_plan"].click()
    assert me.restoration.get_job(jid).state == "plan"
