"""make run checks the system libraries Qt's X11 plugin needs and says how to install them."""

from __future__ import annotations

from guji import syscheck

LDD = """\
\tlinux-vdso.so.1 (0x00007ffc)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibQt6XcbQpa.so.6 => /x/PyQt6/Qt6/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibmystery.so.2 => not found
"""


def test_missing_libraries_become_one_command_per_system() -> None:
    missing = syscheck.missing_from_ldd(LDD)
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libmystery.so.2"]
    debian, fedora = syscheck.install_commands(missing + ["libxcb-cursor.so.0"])
    assert debian == "sudo apt-get install libmystery.so.2 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"
    assert fedora == "sudo dnf install libmystery.so.2 xcb-util-cursor xcb-util-keysyms xcb-util-wm"
    text = syscheck.report(missing)
    assert "apt-get install" in text and "dnf install" in text and "libxcb-icccm.so.4" in text


def test_the_plugin_of_the_installed_pyqt6_is_found() -> None:
    plugin = syscheck.xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so" and plugin.is_file()


def test_offscreen_needs_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert syscheck.main() == 0
