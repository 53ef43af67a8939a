"""Dye recipes on the restoration page: the new-recipe dialog (keyboard entry of the dye grid, the service's
field errors shown inline with nothing written) and the recipe library ranked against a target colour."""

from __future__ import annotations

from decimal import Decimal

from guji.app import Guji
from guji.gui.qt import QApplication, QComboBox, QLineEdit, Qt
from restoration.models import Recipe
from restoration.views import AssessmentInput, MaterialInput, RecipeInput, TrialInput
from tests.gui.test_restoration_page import window_for
from tests.restoration.conftest import add_paper, count, open_job


def _editor(grid):  # type: ignore[no-untyped-def]
    """The cell editor now open in ``grid`` (a line edit, or the unit list)."""
    QApplication.processEvents()
    editors = [w for w in grid.viewport().findChildren((QLineEdit, QComboBox)) if w.isVisible()]
    assert len(editors) == 1, editors
    return editors[0]


def _type(qtbot, grid, text: str, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` in the open cell editor, then press ``key`` (Tab or Enter)."""
    editor = _editor(grid)
    if isinstance(editor, QComboBox):
        if text:
            editor.setCurrentIndex(editor.findText(text))
    elif text.isascii():
        qtbot.keyClicks(editor, text)
    else:
        # QTest types Latin-1 only; Chinese arrives as an input method's commit, i.e. inserted text.
        editor.insert(text)
    qtbot.keyClick(editor, key)
    QApplication.processEvents()  # the delegate commits and moves on in a queued call


def _dyeing(page):  # type: ignore[no-untyped-def]
    for i in range(page.tabs.count()):
        if page.tabs.tabText(i) == "染纸":
            page.tabs.setCurrentIndex(i)
            return
    raise AssertionError("no 染纸 tab")


def _open_dialog(page, qtbot):  # type: ignore[no-untyped-def]
    _dyeing(page)
    assert page.dyeing_tab.new_recipe_button.isEnabled()
    qtbot.mouseClick(page.dyeing_tab.new_recipe_button, Qt.MouseButton.LeftButton)
    dlg = page.recipe_dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.waitExposed(dlg)
    return dlg


def test_new_recipe_through_the_dialog(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    r = org["restorer_a"].restoration
    jid = open_job(org)
    paper = add_paper(org["restorer_a"])
    r.add_material(MaterialInput(kind="dye", name="栀子", unit="g", quantity="500"))
    _w, page = window_for(org["restorer_a"], qtbot)
    assert page.job_id == jid and page.dyeing_tab.recipe_combo.count() == 0
    dlg = _open_dialog(page, qtbot)
    assert dlg.windowTitle() == "新建染纸配方"
    # the base papers are the inventory's repair papers only (the dye is offered as a dye name)
    assert [dlg.base_paper.itemData(i) for i in range(dlg.base_paper.count())] == [None, paper]
    assert dlg.grid.dye_names == ["栀子"]
    assert dlg.link_job.isChecked()

    dlg.name.setText("紅茶染竹紙")
    dlg.base_paper.setCurrentIndex(dlg.base_paper.findData(paper))
    g = dlg.grid
    assert g.rowCount() == 1
    g.setFocus()
    g.setCurrentCell(0, 0)
    g.editItem(g.item(0, 0))
    _type(qtbot, g, "紅茶", Qt.Key.Key_Tab)
    assert g.rowCount() == 2  # typing in the last row opened a new one
    assert (g.currentRow(), g.currentColumn()) == (0, 1)
    _type(qtbot, g, "8", Qt.Key.Key_Return)  # Enter moves on like Tab
    assert (g.currentRow(), g.currentColumn()) == (0, 2)
    _type(qtbot, g, "", Qt.Key.Key_Return)  # keep g/L
    assert (g.currentRow(), g.currentColumn()) == (1, 0)
    _type(qtbot, g, "橡碗子", Qt.Key.Key_Return)
    _type(qtbot, g, "2.5", Qt.Key.Key_Tab)
    _type(qtbot, g, "ml/L", Qt.Key.Key_Tab)
    assert g.rowCount() == 3 and (g.currentRow(), g.currentColumn()) == (2, 0)
    assert [cells for _, cells in g.rows()] == [("紅茶", "8", "g/L"), ("橡碗子", "2.5", "ml/L")]
    g.closePersistentEditor(g.item(2, 0))

    dlg.mordant.setText("明礬")
    dlg.temperature.setText("60")
    dlg.dips.setText("3")
    dlg.minutes.setText("15")
    dlg.drying.setText("陰乾")
    dlg.notes.setPlainText("先試小樣")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible() and page.recipe_dialog is None
    stored = r.recipes()
    assert len(stored) == 1
    rec = stored[0]
    assert rec.name == "紅茶染竹紙" and rec.job_id == jid
    assert rec.base_paper is not None and rec.base_paper.id == paper
    assert rec.dyes == (("紅茶", Decimal("8.000"), "g/L"), ("橡碗子", Decimal("2.500"), "ml/L"))
    assert (rec.mordant, rec.bath_temperature_c, rec.dips, rec.minutes, rec.drying, rec.notes) == (
        "明礬", Decimal("60.0"), 3, 15, "陰乾", "先試小樣")
    # the page reloaded and shows the new recipe
    assert page.dyeing_tab.recipe_combo.currentData() == rec.id
    label = page.dyeing_tab.recipe_label.text()
    assert "紅茶 8 g/L" in label and "橡碗子 2.5 ml/L" in label


def test_bad_input_is_shown_inline_and_nothing_is_written(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    app = org["restorer_a"]
    open_job(org)
    _w, page = window_for(app, qtbot)
    dlg = _open_dialog(page, qtbot)
    # Enter in a field moves on to the next one; it does not save half a form
    dlg.name.setFocus()
    qtbot.keyClick(dlg.name, Qt.Key.Key_Return)
    assert dlg.focusWidget() is dlg.base_paper and dlg.isVisible() and count(app, Recipe) == 0
    # no dye at all
    dlg.name.setText("空")
    dlg.save()
    assert dlg.isVisible() and count(app, Recipe) == 0
    assert set(dlg.errors()) == {"dyes"} and "at least one dye" in dlg.errors()["dyes"]
    assert dlg.grid.property("problem") == "error"
    # an empty name
    dlg.name.setText("")
    dlg.grid.set_rows([("紅茶", "8", "g/L")])
    dlg.save()
    assert dlg.isVisible() and count(app, Recipe) == 0
    assert set(dlg.errors()) == {"name"} and "a recipe needs a name" in dlg.errors()["name"]
    assert dlg.messages["name"].isVisible() and dlg.name.property("problem") == "error"
    assert "未保存" in dlg.summary.text()

    # a negative amount on the second dye row: that row's amount cell is marked, the rest kept as typed
    dlg.name.setText("栀子染")
    dlg.grid.set_rows([("紅茶", "8", "g/L"), ("栀子", "-2", "g/L")])
    dlg.dips.setText("2")
    dlg.save()
    assert dlg.isVisible() and count(app, Recipe) == 0
    errs = dlg.errors()
    assert "name" not in errs and dlg.name.property("problem") == ""  # the earlier mark is gone
    assert set(errs) == {"dyes", "dyes#1"} and "below 0.001" in errs["dyes#1"]
    assert "2" in errs["dyes"] and dlg.messages["dyes"].isVisible()
    g = dlg.grid
    assert g.item(1, 1).background().color().name() == "#f6c9c4"
    assert g.item(1, 0).background().style() == Qt.BrushStyle.NoBrush  # only the bad cell
    assert g.item(0, 1).background().style() == Qt.BrushStyle.NoBrush
    assert dlg.name.text() == "栀子染" and dlg.dips.text() == "2"
    assert [cells for _, cells in g.rows()] == [("紅茶", "8", "g/L"), ("栀子", "-2", "g/L")]

    # an empty row between two dyes does not shift the row the service names: an unknown unit on grid row 2
    g.set_rows([("紅茶", "8", "g/L"), ("", "", "g/L"), ("栀子", "2", "kg")])
    dlg.save()
    assert dlg.isVisible() and count(app, Recipe) == 0
    assert "dyes#2" in dlg.errors() and "g/L or ml/L" in dlg.errors()["dyes#2"]
    assert "第 3 行" in dlg.errors()["dyes"]

    # a bath temperature out of range and dips that are not a whole number, field by field
    g.set_rows([("紅茶", "8", "g/L")])
    dlg.temperature.setText("130")
    dlg.save()
    assert set(dlg.errors()) == {"bath_temperature_c"} and count(app, Recipe) == 0
    dlg.temperature.setText("60")
    dlg.dips.setText("兩次")
    dlg.save()
    assert set(dlg.errors()) == {"dips"} and count(app, Recipe) == 0

    # corrected: saved with Ctrl+Enter, and the dialog closes
    dlg.dips.setText("2")
    qtbot.keyClick(dlg.dips, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dlg.isVisible() and count(app, Recipe) == 1
    assert app.restoration.recipes()[0].dyes == (("紅茶", Decimal("8.000"), "g/L"),)


def test_a_reviewer_cannot_add_recipes(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    open_job(org)
    _w, page = window_for(org["reviewer_a"], qtbot)
    assert not page.dyeing_tab.new_recipe_button.isEnabled()


def _library(org: dict[str, Guji]) -> tuple[int, dict[str, int]]:
    """A job whose assessment measured the paper, and four recipes: three with accepted trials at different
    distances (one lighter, one darker, one far), one with an unaccepted trial only."""
    r = org["restorer_a"].restoration
    jid = open_job(org)
    r.record_assessment(jid, AssessmentInput(findings=[("loss", "percent", "10")], colour=("78.20", "3.10", "18.40"),
                                             colour_source="colorimeter", illuminant_observer="D65_10"))
    ids = {}
    for name, measured, accepted in (("遠", (70.0, 6.0, 25.0), True), ("淺", (79.0, 3.0, 18.0), True),
                                     ("深", (77.4, 3.2, 18.7), True), ("未定", (78.2, 3.1, 18.4), False)):
        rid = r.add_recipe(RecipeInput(name=name, dyes=[("紅茶", "5", "g/L")], job_id=jid)).id
        r.record_trial(rid, TrialInput(measured=measured, illuminant_observer="D65_10", accepted=accepted))
        ids[name] = rid
    return jid, ids


def test_recipe_library_ranking(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    _jid, ids = _library(org)
    svc = org["restorer_a"].restoration
    _w, page = window_for(org["restorer_a"], qtbot)
    _dyeing(page)
    lib = page.dyeing_tab.recipe_library
    # the target defaults to the original paper colour of the assessment, and the library is ranked at once
    assert lib.target_lab() == ("78.20", "3.10", "18.40")
    expected = [m.recipe.id for m in svc.rank_recipes_for(("78.20", "3.10", "18.40"))]
    assert lib.ranked_ids() == expected and ids["未定"] not in expected
    assert expected[-1] == ids["遠"]
    assert lib.table.rowCount() == 3
    names = {x.id: x.name for x in svc.recipes()}
    assert [lib.table.item(i, 2).text() for i in range(3)] == [names[i] for i in expected]
    # ΔL* signed (positive = lighter), the darker one flagged, swatches painted
    row = {lib.table.item(i, 2).text(): i for i in range(3)}
    assert lib.table.item(row["淺"], 4).text().startswith("+")
    assert lib.table.item(row["深"], 4).text().startswith("-") and "深" in lib.table.item(row["深"], 6).text()
    assert not lib.table.item(row["遠"], 1).icon().isNull()

    # another target: ordering follows rank_recipes_for for it
    lib.set_target((70.5, 5.8, 24.0))
    qtbot.mouseClick(lib.rank_button, Qt.MouseButton.LeftButton)
    target = lib.target_lab()
    assert target == ("70.50", "5.80", "24.00")
    ranked = svc.rank_recipes_for(target)
    assert lib.ranked_ids() == [m.recipe.id for m in ranked] and lib.ranked_ids()[0] == ids["遠"]
    assert [lib.table.item(i, 3).text() for i in range(3)] == [f"{m.de00:.2f}" for m in ranked]
    assert [lib.table.item(i, 4).text() for i in range(3)] == [f"{m.dl:+.2f}" for m in ranked]

    # open the chosen recipe: it becomes the recipe of the trial grid
    lib.table.selectRow(1)
    qtbot.mouseClick(lib.open_button, Qt.MouseButton.LeftButton)
    assert page.dyeing_tab.recipe_combo.currentData() == ranked[1].recipe.id
    assert page.dyeing_tab.trials.rowCount() == 1

    # a reload of the same job (a new trial) keeps the user's target
    page.dyeing_tab.record_trial()
    assert lib.target_lab() == ("70.50", "5.80", "24.00")
    assert lib.ranked_ids() == [m.recipe.id for m in svc.rank_recipes_for(target)]
    # back to the original paper
    qtbot.mouseClick(lib.from_job_button, Qt.MouseButton.LeftButton)
    assert lib.target_lab() == ("78.20", "3.10", "18.40") and lib.ranked_ids() == expected


def test_the_dialog_saves_on_the_database_thread(gui_app, org: dict[str, Guji], qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    app = org["restorer_a"]
    jid = open_job(org)
    w = MainWindow(app, DbWorker())  # the real worker thread
    qtbot.addWidget(w)
    try:
        page = w.show_page("restoration")
        page.refresh(None)
        qtbot.waitUntil(lambda: page.job_id == jid and page.archive is not None, timeout=10000)
        threads: list[str] = []
        real = app.restoration.add_recipe

        def spy(data: RecipeInput):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread().name)
            return real(data)

        monkeypatch.setattr(app.restoration, "add_recipe", spy)
        dlg = _open_dialog(page, qtbot)
        dlg.name.setText("紅茶")
        dlg.grid.set_rows([("紅茶", "8", "g/L"), ("橡碗子", "2", "g/L")])
        with qtbot.waitSignal(dlg.created, timeout=10000) as blocker:
            dlg.save()
        assert threads and threads[0] != threading.main_thread().name
        assert blocker.args[0].dyes == (("紅茶", Decimal("8.000"), "g/L"), ("橡碗子", Decimal("2.000"), "g/L"))
        qtbot.waitUntil(lambda: page.dyeing_tab.recipe_combo.currentData() == blocker.args[0].id, timeout=10000)
    finally:
        w.worker.stop()
