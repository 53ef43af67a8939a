"""The census desktop (offscreen, real database, inline worker): register table, search, editor, review, vault."""

from __future__ import annotations

import datetime as dt

import pytest

from guji.app import Guji
from guji.census.record import RecordData, SealData

pytestmark = pytest.mark.gui

BOOKS = [
    dict(title="墨子十五卷", author_statement="（戰國）墨翟撰", edition_statement="明萬曆刻本", volumes=4,
         call_number="善 101"),
    dict(title="［萬曆］金華府志三十卷", author_statement="（明）王懋德（明）陸鳳儀纂修",
         edition_statement="明萬曆六年刻本", volumes=12, extant="存卷十六至十九", call_number="善 102"),
    dict(title="貞觀政要十卷", author_statement="（唐）吳兢撰", edition_statement="明成化元年內府刻本", volumes=6,
         call_number="善 103"),
    dict(title="欽定四庫全書總目二百卷", author_statement="（清）紀昀等纂", edition_statement="清乾隆六十年武英殿刻本",
         volumes=40, call_number="普 201"),
    dict(title="說文解字三十卷", author_statement="（漢）許慎撰", edition_statement="清同治十二年陳昌治刻本",
         volumes=8, call_number="普 202"),
]


def register(app: Guji, **kw: object) -> int:
    seals = kw.pop("seals", [])
    data = RecordData(**kw)  # type: ignore[arg-type]
    data.seals = list(seals)  # type: ignore[arg-type]
    return app.census.register_book(data).id


@pytest.fixture
def records(org: dict[str, Guji]) -> list[int]:
    ids = [register(org["census_a"], **b) for b in BOOKS]
    ids.append(register(org["census_b"], title="吉林通志一百二十二卷", author_statement="（清）長順修",
                        edition_statement="清光緒二十六年刻本", volumes=50))
    return ids


def window_for(app: Guji, qtbot):  # type: ignore[no-untyped-def]
    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    window = MainWindow(app, DbWorker(inline=True))
    qtbot.addWidget(window)
    page = window.show_page("census")
    return window, page


def type_cjk(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type Chinese the way staff do, through the input method (QTest.keyClicks is ASCII only)."""
    from guji.gui.qt import QApplication, QInputMethodEvent

    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def count_records(app: Guji) -> int:
    return len(app.search.ids())


# --- the register table -------------------------------------------------------------------------

def test_model_passes_qtmodeltester(gui_app, org, records, qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.census.page import CensusPage

    _window, page = window_for(org["centre_reviewer"], qtbot)
    assert isinstance(page, CensusPage)
    assert page.model.rowCount() == 6
    qtmodeltester.check(page.model)
    assert page.model.index(0, 0).data() == "210000-0101-0000001"
    titles = {page.model.index(r, 2).data() for r in range(6)}
    assert "墨子十五卷" in titles and "吉林通志一百二十二卷" in titles
    assert page.model.index(0, 7).data() == "草稿"
    assert page.model.index(0, 8).data() == "遼寧省圖書館"


def test_model_pages_and_staleness(gui_app, qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    """A big id list fetches only the pages asked for; an edit re-fetches only the page that holds it."""
    from guji.census.search import RecordRow
    from guji.gui.census.model import PAGE_SIZE, RegisterModel

    calls: list[list[int]] = []

    def fetch(ids, on_rows):  # type: ignore[no-untyped-def]
        calls.append(list(ids))
        on_rows([RecordRow(i, f"210000-0101-{i:07d}", None, f"書{i}", None, None, 1, None, "draft",
                           "210000-0101", None, None, None) for i in ids])

    model = RegisterModel(fetch)
    model.set_ids(list(range(1, 1_000_001)))
    assert model.rowCount() == 1_000_000 and calls == []
    assert model.index(500_123, 2).data() == "書500124"
    assert len(calls) == 1 and len(calls[0]) == PAGE_SIZE
    model.index(500_124, 0).data()
    assert len(calls) == 1  # same page: no new fetch
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    assert model.mark_stale([500_124]) == 1
    assert len(calls) == 2 and changed == [(500_000, 500_199)]
    assert model.mark_stale([3]) == 0  # page 0 never loaded: nothing to do
    model.update_ids([0] + model.ids())  # one record added at the top: rows inserted, not a reset
    assert model.rowCount() == 1_000_001
    small = RegisterModel(fetch)
    small.set_ids([1, 2, 3])
    qtmodeltester.check(small)


def test_search_box_and_filters_narrow_the_table(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    _window, page = window_for(org["centre_reviewer"], qtbot)
    assert page.match_count == 6
    page.search_box.setText("墨子")
    page.search()
    assert page.model.rowCount() == 1
    assert page.model.index(0, 2).data() == "墨子十五卷"
    assert "1" in page.count_label.text()
    page.search_box.setText("万历")  # simplified finds traditional
    page.search()
    assert page.model.rowCount() == 2
    page.search_box.clear()
    page.search()
    assert page.model.rowCount() == 6
    page.institution_filter.setCurrentIndex(page.institution_filter.findData("220000-0101"))
    assert page.model.rowCount() == 1
    page.clear_filters()
    page.year_from.setValue(1700)
    page.year_to.setValue(1800)
    page.search()
    assert [page.model.index(r, 2).data() for r in range(page.model.rowCount())] == ["欽定四庫全書總目二百卷"]
    page.clear_filters()
    page.edition_filter.setCurrentIndex(page.edition_filter.findData("刻本"))
    assert page.model.rowCount() == 6
    page.state_filter.setCurrentIndex(page.state_filter.findData("submitted"))
    assert page.model.rowCount() == 0


def test_header_click_sorts_on_the_database(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    _window, page = window_for(org["census_a"], qtbot)
    page.table.sortByColumn(4, __import__("guji.gui.qt", fromlist=["Qt"]).Qt.SortOrder.AscendingOrder)
    editions = [page.model.index(r, 4).data() for r in range(page.model.rowCount())]
    assert editions[0] == "明成化元年內府刻本" and editions[-1] == "清同治十二年陳昌治刻本"


# --- the editor ----------------------------------------------------------------------------------

def test_editor_refuses_zero_volumes(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    app = org["census_a"]
    _window, page = window_for(app, qtbot)
    before = count_records(app)
    editor = page.open_editor(None)
    editor.set_value("title", "論語集注十卷")
    editor.set_value("edition_statement", "清光緒二年刻本")
    editor.set_value("volumes", "0")
    editor.validate()
    assert "volumes" in editor.errors()
    slot = editor.slots["volumes"]
    assert slot.widget.property("problem") == "error"
    assert slot.message.isVisibleTo(editor) and "positive" in slot.message.text()
    editor.save()
    assert count_records(app) == before
    assert "volumes" in editor.errors()
    assert "1876" in editor.catalogue_tab.era_label.text()


def test_editor_registers_and_edits(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    app = org["census_a"]
    _window, page = window_for(app, qtbot)
    editor = page.open_editor(None)
    editor.set_value("title", "論語集注十卷")
    editor.set_value("author_statement", "（宋）朱熹撰")
    editor.set_value("edition_statement", "清光緒二年刻本")
    editor.set_value("volumes", "4")
    editor.set_value("binding", "線裝")
    editor.seals_tab.add_row(("汪士鐘印", "汪士鐘", "卷端"))
    editor.save()
    assert editor.record_id is not None
    view = app.census.get_record(editor.record_id)
    assert view.data.seals == [SealData("汪士鐘印", "汪士鐘", "卷端")]
    assert page.model.rowCount() == 6  # census_a sees its own institution: 5 + the new one
    assert page.select_id(editor.record_id)
    assert page.model.index(page.model.row_of(editor.record_id), 2).data() == "論語集注十卷"
    # an edit to an existing record appears in the table
    rid = records[0]
    editor = page.open_editor(rid)
    assert editor.value("title") == "墨子十五卷"
    editor.set_value("title", "墨子十五卷附錄一卷")
    editor.set_value("binding", "綫裝（新）")  # not in the list: marked, kept as free text
    assert editor.slots["binding"].mark is not None and not editor.slots["binding"].mark.isHidden()
    editor.save()
    assert app.census.get_record(rid).data.title == "墨子十五卷附錄一卷"
    assert app.census.get_record(rid).data.binding == "綫裝（新）"
    row = page.model.row_of(rid)
    assert page.model.index(row, 2).data() == "墨子十五卷附錄一卷"


def test_editor_grade_is_a_suggestion_until_confirmed(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    app = org["census_a"]
    _window, page = window_for(app, qtbot)
    rid = records[2]  # 明成化元年 (1465): 二級
    editor = page.open_editor(rid)
    assert "二級" in editor.grading_tab.suggestion_label.text()
    editor.set_value("call_number", "善 103A")
    editor.save()
    assert app.census.get_record(rid).data.grade is None  # never stored silently
    editor.grading_tab.grade_choice.setCurrentIndex(editor.grading_tab.grade_choice.findData("2A"))
    editor.confirm_grade()
    assert app.census.get_record(rid).data.grade == "2A"
    assert editor.grading_tab.grade_label.text() == "二級甲等"


def test_locked_record_opens_read_only(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    app = org["census_a"]
    app.review.submit_for_review(records[0])
    _window, page = window_for(app, qtbot)
    editor = page.open_editor(records[0])
    assert editor.read_only
    assert editor.slots["title"].widget.isReadOnly()
    assert not editor.save_button.isEnabled()
    assert "已提交" in editor.banner.text()
    editor.save()  # Ctrl+S does nothing either
    saved = app.census.get_record(records[0])
    assert saved.version == 1 or saved.data.title == "墨子十五卷"


def test_returned_record_shows_field_comments(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    org["census_a"].review.submit_for_review(records[1])
    org["reviewer_a"].review.return_for_correction(records[1], "請核對", {"extant": "存卷有誤"})
    _window, page = window_for(org["census_a"], qtbot)
    editor = page.open_editor(records[1])
    assert not editor.read_only
    assert "存卷有誤" in editor.slots["extant"].message.text()
    assert editor.slots["extant"].widget.property("problem") == "comment"
    assert editor.history_tab.rounds_tree.topLevelItemCount() == 2


# --- review and vault ------------------------------------------------------------------------------

def test_review_actions_change_state(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.census.review import ReturnDialog

    rid = records[0]
    _window, page = window_for(org["census_a"], qtbot)
    page.review.submit(rid)
    assert org["admin"].census.get_record(rid).state == "submitted"
    assert page.model.index(page.model.row_of(rid), 7).data() == "已提交"

    _window, page = window_for(org["reviewer_a"], qtbot)
    assert page.review_panel.awaiting_ids == []  # loaded only when its tab is shown
    page.tabs.setCurrentWidget(page.review_panel)
    assert rid in page.review_panel.awaiting_ids
    dialog = ReturnDialog(page)
    qtbot.addWidget(dialog)
    dialog.comment.setPlainText("著者朝代有誤")
    dialog.add_field_comment("author_statement", "墨翟應作（周）")
    comment, fields = dialog.values()
    assert fields == {"author_statement": "墨翟應作（周）"}
    page.review.return_record(rid, comment, fields)
    assert org["admin"].census.get_record(rid).state == "returned"
    assert org["census_a"].review.open_field_comments(rid) == {"author_statement": "墨翟應作（周）"}

    org["census_a"].review.submit_for_review(rid)
    page.refresh(None)
    line = next(i for i, e in enumerate(page.review_panel.queue_entries) if e.state == "submitted")
    page.review_panel.show_in_register(line)
    assert page.model.ids() == [rid] and page.tabs.currentIndex() == 0
    page.review.approve(rid)
    assert org["admin"].census.get_record(rid).state == "unit_approved"
    page.review.reopen(rid, "題名需補附錄")
    assert org["admin"].census.get_record(rid).state == "returned"


def test_review_errors_are_shown_and_change_nothing(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import worker

    rid = records[0]
    _window, page = window_for(org["census_a"], qtbot)
    worker.last_errors.clear()
    page.review.approve(rid)  # census staff cannot approve a draft
    assert worker.last_errors and org["admin"].census.get_record(rid).state == "draft"
    worker.last_errors.clear()
    page.review.reopen(rid, "")
    assert worker.last_errors and "reason" in worker.last_errors[-1]


def test_movement_dialog_checks_out_and_in(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import worker

    app = org["census_a"]
    rid = records[3]
    _window, page = window_for(app, qtbot)
    page.tabs.setCurrentWidget(page.vault_panel)
    dialog = page.open_movement(rid)
    qtbot.addWidget(dialog)
    assert dialog.out_box.isEnabled() and not dialog.in_box.isEnabled()
    worker.last_errors.clear()
    dialog.check_out()  # nobody named
    assert worker.last_errors and app.vault.location_of(rid).in_vault
    dialog.purpose.setCurrentIndex(dialog.purpose.findData("digitisation"))
    dialog.to_whom.setText("數字化組")
    dialog.has_due.setChecked(True)
    dialog.due.setDate(dialog.due.date().fromString((dt.date.today() + dt.timedelta(days=7)).isoformat(),
                                                    "yyyy-MM-dd"))
    dialog.out_location.setText("掃描室")
    dialog.check_out()
    loc = app.vault.location_of(rid)
    assert not loc.in_vault and loc.movement is not None and loc.movement.to_whom == "數字化組"
    assert "数字化" in dialog.location_label.text()
    assert dialog.in_box.isEnabled() and not dialog.out_box.isEnabled()
    assert page.vault_panel.table.rowCount() == 1
    dialog.in_note.setText("完好")
    dialog.check_in()
    assert app.vault.location_of(rid).in_vault
    assert dialog.history.rowCount() == 1
    assert page.vault_panel.table.rowCount() == 0


def test_import_action_state(gui_app, org, qtbot) -> None:  # type: ignore[no-untyped-def]
    _window, page = window_for(org["census_a"], qtbot)
    assert page.import_action.isEnabled()


def test_model_preview_then_full_list(gui_app, qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    """The first page shows at once; the full list is appended without a reset."""
    from guji.census.search import RecordRow
    from guji.gui.census.model import RegisterModel

    calls: list[list[int]] = []

    def row(i: int) -> RecordRow:
        return RecordRow(i, f"210000-0101-{i:07d}", None, f"書{i}", None, None, 1, None, "draft", "210000-0101",
                         None, None, None)

    model = RegisterModel(lambda ids, cb: (calls.append(ids), cb([row(i) for i in ids])))
    model.set_preview([row(i) for i in (5, 6, 7)])
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    assert model.index(1, 2).data() == "書6" and calls == []
    model.adopt_ids([5, 6, 7, 8, 9])
    assert model.rowCount() == 5 and resets == []
    assert model.index(4, 2).data() == "書9"
    model.adopt_ids([9, 8])  # not the preview's start: replaced
    assert resets == [1] and model.rowCount() == 2
    qtmodeltester.check(model)


def _xlsx(path, rows):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["普查编号", "索书号", "题名卷数", "著者", "版本", "册数", "存缺卷数"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_import_excel_runs_on_the_worker_and_reports(gui_app, org, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("guji.census.excel")
    from guji.gui.census.importer import run_import

    app = org["census_a"]
    _window, page = window_for(app, qtbot)
    bad = _xlsx(tmp_path / "bad.xlsx", [[None, "善 1", "墨子十五卷", "（戰國）墨翟撰", "明萬曆刻本", 0, None],
                                        [None, "善 2", "文選六十卷", "（梁）蕭統輯", "明嘉靖刻本", 10, None]])
    reports: list[object] = []
    run_import(page, str(bad), institution="210000-0101", on_report=reports.append)
    assert reports and len(reports[0].errors) == 1 and reports[0].errors[0].row == 2
    assert count_records(app) == 0  # all or nothing
    assert "1" in page.last_import_report.counts.text()
    assert "2" in page.last_import_report.text.toPlainText()
    good = _xlsx(tmp_path / "good.xlsx", [[None, "善 2", "文選六十卷", "（梁）蕭統輯", "明嘉靖刻本", 10, None]])
    run_import(page, str(good), institution="210000-0101", on_report=reports.append)
    assert reports[-1].created == 1 and count_records(app) == 1
    assert page.model.rowCount() == 1


def test_keyboard_enter_opens_and_ctrl_n_creates(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.qt import Qt

    window, page = window_for(org["census_a"], qtbot)
    window.show()
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(2, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert len(page.editors) == 1 and page.editors[0].record_id == page.model.id_at(2)
    editor = page.editors[0]
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    page.new_action.trigger()
    assert page.editors[-1].record_id is None and page.editors[-1].heading.text() == "新建记录"


def test_register_loads_through_the_worker_thread(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    """With the real worker thread: the first page, the id list and a search arrive by signal."""
    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    window = MainWindow(org["centre_reviewer"], DbWorker())
    qtbot.addWidget(window)
    page = window.show_page("census")
    window.show()
    try:
        qtbot.waitUntil(lambda: page.done_search_seq == page._search_seq and page.model.rowCount() == 6,
                        timeout=10000)
        qtbot.waitUntil(lambda: page.model.record_row(5) is not None, timeout=10000)
        page.search_box.setText("貞觀")
        qtbot.waitUntil(lambda: page.done_search_seq == page._search_seq and page.model.rowCount() == 1,
                        timeout=10000)
        qtbot.waitUntil(lambda: page.model.index(0, 2).data() == "貞觀政要十卷", timeout=10000)
    finally:
        window.close()  # stops the worker thread (quit + wait)


def test_editor_authors_as_rows(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.census.record import AuthorData
    from guji.gui.qt import QComboBox

    app = org["census_a"]
    _window, page = window_for(app, qtbot)
    editor = page.open_editor(None)
    editor.set_value("title", "［萬曆］金華府志三十卷")
    editor.set_value("edition_statement", "明萬曆六年刻本")
    editor.set_value("volumes", "12")
    # typing the statement fills the rows (the trailing mode applies to both)
    type_cjk(editor.catalogue_tab.line("author_statement"), "（明）王懋德（明）陸鳳儀纂修")
    assert editor.catalogue_tab.author_rows() == [AuthorData("王懋德", "明", "纂修"),
                                                  AuthorData("陸鳳儀", "明", "纂修")]
    table = editor.slots["authors"].widget
    # the second author only revised it: change the mode on that row
    mode: QComboBox = table.cellWidget(1, 2)
    mode.setCurrentIndex(mode.findText("校"))
    # the transcription stays
    assert editor.catalogue_tab.line("author_statement").text() == "（明）王懋德（明）陸鳳儀纂修"
    # a row with a dynasty and no name is an error on the authors field: not saved
    before = count_records(app)
    editor.catalogue_tab.add_author_row(("清", "", "撰"))
    editor.validate()
    assert "authors" in editor.errors() and "no name" in editor.errors()["authors"]
    assert editor.slots["authors"].message.isVisibleTo(editor)
    editor.save()
    assert editor.record_id is None and count_records(app) == before
    table.removeRow(2)
    editor.save()
    assert editor.record_id is not None
    stored = app.census.get_record(editor.record_id).data
    assert stored.authors == [AuthorData("王懋德", "明", "纂修"), AuthorData("陸鳳儀", "明", "校")]
    assert stored.author_statement == "（明）王懋德（明）陸鳳儀纂修"
    # opened again, the rows are the stored ones, not a fresh parse of the statement
    again = page.open_editor(editor.record_id)
    assert again.catalogue_tab.author_rows() == stored.authors


def test_editor_empty_statement_is_written_from_the_rows(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.census.record import AuthorData

    app = org["census_a"]
    _window, page = window_for(app, qtbot)
    editor = page.open_editor(None)
    editor.catalogue_tab.authors_buttons[0].click()
    table = editor.slots["authors"].widget
    table.cellWidget(0, 0).setCurrentText("宋")
    table.item(0, 1).setText("朱熹")
    table.cellWidget(0, 2).setCurrentText("集注")
    assert editor.catalogue_tab.author_rows() == [AuthorData("朱熹", "宋", "集注")]
    assert editor.catalogue_tab.line("author_statement").text() == "（宋）朱熹集注"


def test_editor_keeps_fields_it_does_not_show(gui_app, org, records, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A field entered elsewhere (版本类型细目 from Excel) survives a save from the editor."""
    app = org["census_a"]
    rid = records[0]
    view = app.census.get_record(rid)
    data = view.data
    data.edition_subtype = "遞修"
    app.census.update_record(rid, data, expected_version=view.version)
    _window, page = window_for(app, qtbot)
    editor = page.open_editor(rid)
    editor.set_value("title", "墨子十五卷（補）")
    editor.save()
    stored = app.census.get_record(rid).data
    assert stored.title == "墨子十五卷（補）" and stored.edition_subtype == "遞修"
