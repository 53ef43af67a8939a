"""Messages of the core area (see :mod:`guji.messages`)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "job.cancelled": ("已取消，什么也没有保留", "cancelled; nothing of it was kept"),
    "file.write_failed": ("无法写入 {path}：{reason}；没有留下不完整的文件",
                          "cannot write {path}: {reason}; no partial file was left"),
    "error.database": ("数据库出错，什么也没有写入：{detail}", "a database error; nothing was written: {detail}"),
    "syscheck.missing": ("桌面程序所需的系统库未安装：{libraries}\n请安装后再运行 make run：\n"
                         "  Debian / Ubuntu：{debian}\n  Fedora：{fedora}",
                         "the desktop needs system libraries that are not installed: {libraries}\n"
                         "install them, then run make run again:\n  Debian / Ubuntu: {debian}\n  Fedora: {fedora}"),
    "error.file": ("无法读写 {path}：{reason}", "cannot use {path}: {reason}"),
}
