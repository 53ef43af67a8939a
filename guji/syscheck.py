"""Before the desktop starts: are the system libraries Qt's window-system plugin needs installed?

The PyQt6 wheels bring Qt, but on Linux its X11 platform plugin (``libqxcb.so``) links against
libraries of the system, and Qt 6.5+ also loads ``libxcb-cursor`` at start. When one is missing
Qt aborts with "no Qt platform plugin could be initialized" and nothing says what to install.
``make run`` runs ``python -m guji.syscheck`` first: it asks ``ldd`` what the plugin cannot find
and prints the one install command for Debian/Ubuntu and for Fedora.

This module does not import Qt (that could be what crashes).
"""

from __future__ import annotations

import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

# library file -> (Debian/Ubuntu package, Fedora package)
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
}
ALWAYS_LOADED = ("libxcb-cursor.so.0",)  # dlopen()ed by Qt 6.5+, not a link dependency


def xcb_plugin() -> Path | None:
    """The X11 platform plugin of the installed PyQt6 (found without importing Qt)."""
    spec = importlib.util.find_spec("PyQt6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        plugin = Path(folder) / "Qt6" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def missing_from_ldd(output: str) -> list[str]:
    """The libraries ``ldd`` reported as ``not found``, each once, in order."""
    found: list[str] = []
    for lib in re.findall(r"^\s*(\S+)\s+=>\s+not found", output, flags=re.MULTILINE):
        if lib not in found:
            found.append(lib)
    return found


def _loadable(lib: str) -> bool:
    try:
        out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return True  # cannot tell: do not stop the start for it
    return f"{lib} " in out or f"{lib}\t" in out


def missing_libraries(plugin: Path) -> list[str]:
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=30).stdout
    missing = missing_from_ldd(out)
    for lib in ALWAYS_LOADED:
        if lib not in missing and not _loadable(lib):
            missing.append(lib)
    return missing


def install_commands(missing: list[str]) -> tuple[str, str]:
    """The Debian/Ubuntu and the Fedora command that install what is missing."""
    debian = sorted({PACKAGES.get(lib, (lib, lib))[0] for lib in missing})
    fedora = sorted({PACKAGES.get(lib, (lib, lib))[1] for lib in missing})
    return "sudo apt-get install " + " ".join(debian), "sudo dnf install " + " ".join(fedora)


def report(missing: list[str]) -> str:
    from guji.messages import msg

    debian, fedora = install_commands(missing)
    return msg("syscheck.missing", libraries=", ".join(missing), debian=debian, fedora=fedora)


def main() -> int:
    if platform.system() != "Linux" or os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "wayland")):
        return 0
    plugin = xcb_plugin()
    if plugin is None:
        return 0
    missing = missing_libraries(plugin)
    if missing:
        print(report(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
