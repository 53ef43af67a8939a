"""Messages of the core area (see :mod:`guji.messages`)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "job.cancelled": ("已取消，什么也没有保留", "cancelled; nothing of it was kept"),
    "file.write_failed": ("无法写入 {path}：{reason}；没有留下不完整的文件",
                          "cannot write {path}: {reason}; no partial file was left"),
    "error.database": ("数据库出错，什么也没有写入：{detail}", "a database error; nothing was written: {detail}"),
    "error.file": ("无法读写 {path}：{reason}", "cannot use {path}: {reason}"),
}
