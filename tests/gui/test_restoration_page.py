"""The restoration page: job list and filters, the pH grid (keyboard entry, live validation and statistics),
the dye-trial grid, workflow buttons, the Report PDF action."""

from __future__ import annotations

import subprocess
from pathlib import Path

from guji.app import Guji
from guji.gui.qt import QColor, Qt
from tests.restoration.test_report import full_job


def window_for(app: Guji, qtbot):  # type: ignore[no-untyped-def]
    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    w = MainWindow(app, DbWorker(inline=True))
    qtbot.addWidget(w)
    page = w.show_page("restoration")
    page.refresh(None)
    return w, page


def test_job_list_and_editor(gui_app, org: dict[str, Guji], qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    jid = full_job(org, tmp_path)
    _w, page = window_for(org["restorer_a"], qtbot)
    assert page.nav_title() == "修复档案"
    assert page.jobs.rowCount() == 1 and page.job_id == jid
    assert "墨子十五卷" in page.header.text() and "明萬曆刻本" in page.overview_tab.ident.text()
    assert page.condition_tab.findings.rowCount() == 4  # 霉蚀 + 残缺, 虫蛀, 酸化
    assert page.ph_tab.ph_sets.rowCount() == 2 and page.ph_tab.ph_sets.item(0, 3).text() == "5.11"
    assert page.ph_tab.ph_chart.rows[0][0] == "1" and page.ph_tab.ph_chart.rows[0][2] == 7.8
    # trial grid: ΔE00 per row, the darker trial flagged
    assert page.dyeing_tab.trials.rowCount() == 2
    assert page.dyeing_tab.trials.item(1, 7).text() == "-3.20" and "深" in page.dyeing_tab.trials.item(1, 8).text()
    assert float(page.dyeing_tab.trials.item(0, 5).text()) < 2.0 and "合格" in page.dyeing_tab.trials.item(0, 8).text()
    assert page.sessions_tab.sessions.rowCount() == 1 and page.sessions_tab.hours_chart.rows
    # the job is closed: only "return to vault" is possible for the restorer
    steps = page.overview_tab.step_buttons
    assert steps["close"].isEnabled() and not steps["submit_plan"].isEnabled()
    # filters
    page.state_filter.setCurrentIndex(page.state_filter.findData("plan"))
    assert page.jobs.rowCount() == 0
    page.state_filter.setCurrentIndex(page.state_filter.findData("closed"))
    assert page.jobs.rowCount() == 1
    page.restorer_filter.setText("nobody")
    page.reload_jobs()
    assert page.jobs.rowCount() == 0
    # Report PDF (the button's action without the file dialog)
    out = tmp_path / "gui.pdf"
    done: list[str] = []
    page.restorer_filter.setText("")
    page.reload_jobs()
    page.write_report(str(out), on_done=done.append)
    assert done == [str(out)]
    assert "古籍修復檔案" in subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout


def test_ph_grid_keyboard_entry(gui_app, qtbot) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from guji.gui.qt import QApplication, QLineEdit
    from guji.gui.restoration.grids import PhGrid, stats_text

    g = PhGrid()
    qtbot.addWidget(g)
    g.show()
    qtbot.waitExposed(g)
    seen = []
    g.stats_changed.connect(seen.append)

    def type_enter(text: str) -> None:
        editors = [w for w in g.viewport().findChildren(QLineEdit) if w.isVisible()]
        assert len(editors) == 1  # the cell being edited
        editor = editors[0]
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        QApplication.processEvents()  # the delegate commits on a queued call

    g.setCurrentCell(0, 0)
    g.editItem(g.item(0, 0))
    type_enter("12")
    # Enter moved down the leaf column onto a new row; go to the pH column of row 0
    assert g.rowCount() == 2 and (g.currentRow(), g.currentColumn()) == (1, 0)
    g.closePersistentEditor(g.item(1, 0))
    g.setRowCount(1)
    g.setCurrentCell(0, 2)
    g.editItem(g.item(0, 2))
    type_enter("4.8")
    assert g.rowCount() == 2 and (g.currentRow(), g.currentColumn()) == (1, 2)
    assert g.item(0, 2).text() == "4.80" and g.item(1, 0).text() == "12"  # stored form; leaf carried down
    type_enter("15")
    assert 1 in g.errors and "above 14" in g.errors[1]
    assert g.item(1, 2).background().color() == QColor("#f6c9c4")
    assert g.item(0, 2).background().color() == QColor("#fde7c7")  # 4.80 < 5.5: acidic
    type_enter("6.2")
    st = g.statistics()
    assert st.n == 2 and st.mean == Decimal("5.5") and len(st.acidic) == 1
    assert seen and seen[-1].n == 2
    assert "n = 2" in stats_text(st) and "min = 4.80" in stats_text(st)
    assert g.raw_points()[1] == ("12", "", "15")  # kept as typed, for the service to name the bad row


def test_save_ph_set_and_errors_from_the_page(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import worker as worker_mod
    from tests.restoration.conftest import open_job

    jid = open_job(org)
    _w, page = window_for(org["restorer_a"], qtbot)
    assert page.job_id == jid
    g = page.ph_tab.ph_grid
    g.item(0, 0).setText("1")
    g.item(0, 2).setText("5.2")
    g.add_row("2", "", "14.7")
    page.ph_tab.save()
    assert worker_mod.last_errors and "points[1].value" in worker_mod.last_errors[-1]
    assert org["restorer_a"].restoration.ph_sets(jid) == []
    g.item(1, 2).setText("6.1")
    page.ph_tab.save()
    sets = org["restorer_a"].restoration.ph_sets(jid)
    assert [str(p.value) for p in sets[0].points] == ["5.20", "6.10"]
    assert page.ph_tab.ph_sets.rowCount() == 1 and g.rowCount() == 1  # the grid was cleared for the next set
    # a reviewer's page: sessions are refused by the service
    _w2, page2 = window_for(org["reviewer_a"], qtbot)
    assert not page2.overview_tab.step_buttons["submit_plan"].isEnabled()


def test_open_job_assess_plan_and_materials_from_the_page(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.qt import QTableWidgetItem
    from tests.restoration.conftest import register

    rid = register(org)
    number = org["census_a"].census.get_record(rid).data.census_number
    _w, page = window_for(org["restorer_a"], qtbot)
    assert page.jobs.rowCount() == 0
    opened: list[int] = []
    page.open_job(number, "古籍部", on_done=opened.append)
    assert opened and page.jobs.rowCount() == 1 and page.job_id == opened[0]
    assert not org["restorer_a"].vault.location_of(rid).in_vault
    # assessment form
    page.condition_tab.assess_findings.setItem(0, 0, QTableWidgetItem("残缺"))
    page.condition_tab.assess_findings.setItem(0, 1, QTableWidgetItem("45%"))
    page.condition_tab.assess_findings.setItem(1, 0, QTableWidgetItem("酸化"))
    page.condition_tab.assess_findings.setItem(1, 1, QTableWidgetItem("5.3"))
    page.condition_tab.assess_fibres.setText("竹 80, 稻草 20")
    page.condition_tab.assess_lab.setText("78.2 3.1 18.4")
    page.condition_tab.assess_leaves.setText("1-40")
    data = page.condition_tab.assessment_input()
    assert data.findings == [("残缺", "percent", "45"), ("酸化", "ph", "5.3")]
    page.condition_tab.save_assessment()
    a = org["restorer_a"].restoration.assessments(opened[0])[0]
    assert a.suggested_grade == "critical" and (a.leaf_from, a.leaf_to) == (1, 40)
    assert "特残" in page.condition_tab.grade_label.text()
    # plan form
    for i in range(page.plan_tab.plan_ops.count()):
        if page.plan_tab.plan_ops.item(i).text() in ("除尘", "补洞/补破"):
            page.plan_tab.plan_ops.item(i).setCheckState(Qt.CheckState.Checked)
    page.plan_tab.plan_hours.setValue(12)
    page.plan_tab.plan_leaves.setValue(40)
    page.plan_tab.save()
    plan = org["restorer_a"].restoration.plan(opened[0])
    assert plan is not None and plan.operations == ("dust_removal", "infill") and plan.planned_leaves == 40
    # materials: add, then a receipt on the selected row
    page.materials_tab.mat_name.setText("皮紙")
    page.materials_tab.mat_qty.setValue(5)
    page.materials_tab.mat_low.setValue(2)
    page.materials_tab.add_material()
    assert page.materials_tab.materials.rowCount() == 1 and page.materials_tab.materials.item(0, 3).text() == "5"
