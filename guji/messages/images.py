"""Messages of the images area: the image store, its location, backups (see :mod:`guji.messages`)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "images.no_job": ("没有编号为 {job} 的修复档案", "no restoration job with id {job}"),
    # --- where the image store is -------------------------------------------------------
    "images.store_unset": (
        "数据库 {db} 尚未设定影像库：请中心管理员用 `guji settings image-store 路径` 设定各工作站共用的影像库文件夹",
        "no image store is set for the database {db}: an administrator sets the shared image-store folder "
        "with `guji settings image-store PATH`"),
    "images.store_where_unset": ("（尚未设定，见 `guji settings image-store`）",
                                 "(not set yet, see `guji settings image-store`)"),
    "images.store_missing": (
        "影像库 {path} 不存在或无法访问（文件夹被删除，或网络盘未挂载？）；本数据库的影像库应在 {right}。"
        "未写入任何内容",
        "the image store {path} is missing or cannot be reached (folder deleted, or a share not mounted?); "
        "this database's image store should be at {right}. Nothing was written"),
    "images.store_unmarked": (
        "{path} 不是本数据库的影像库（没有影像库标记文件 {marker}）；本数据库的影像库应在 {right}。未写入任何内容",
        "{path} is not the image store of this database (it has no store marker {marker}); this database's "
        "image store should be at {right}. Nothing was written"),
    "images.store_foreign": (
        "{path} 不是本数据库的影像库（其标识 {found} 与数据库记录的 {expected} 不同）；本数据库的影像库应在 {right}。"
        "未写入任何内容",
        "{path} is not the image store of this database (its id {found} differs from the database's {expected}); "
        "this database's image store should be at {right}. Nothing was written"),
    "images.store_taken": (
        "{path} 已是另一个数据库的影像库（标识 {found}），不能用作本数据库的影像库。未写入任何内容",
        "{path} is already the image store of another database (id {found}) and cannot be this database's. "
        "Nothing was written"),
    "images.store_legacy": (
        "本数据库已有 {count} 幅影像，但 {path} 中没有它们；旧版 guji 把所有数据库的影像放在 {legacy}。"
        "请中心管理员用 `guji settings image-store 路径` 指明存放这些影像的文件夹",
        "this database has {count} images but {path} holds none of them; older versions of guji kept the images "
        "of every database in {legacy}. An administrator names the folder that holds them with "
        "`guji settings image-store PATH`"),
    "images.store_not_folder": ("{path} 是文件，不是文件夹", "{path} is a file, not a folder"),
    "images.store_unreadable": ("无法读取影像库 {path}：{reason}", "cannot read the image store {path}: {reason}"),
    "images.store_write_failed": ("无法写入影像库 {path}：{reason}；未写入任何内容",
                                  "cannot write to the image store {path}: {reason}; nothing was written"),
    "images.bad_path": (
        "数据库中影像 {image} 的路径 {relpath} 不是影像库中的路径（应为 ab/cd/<SHA-256>.<扩展名>）；未读取任何文件",
        "the database gives image {image} the path {relpath}, which is not a path of the image store "
        "(ab/cd/<SHA-256>.<ext>); no file was read"),
    "images.file_missing": ("影像 {image}（{relpath}）的文件不在影像库 {path} 中",
                            "the file of image {image} ({relpath}) is missing from the image store {path}"),
    # --- setting the location (administrators) ------------------------------------------
    "images.settings_admin_only": (
        "{login} 不能更改影像库位置：需要中心管理员（admin）角色",
        "{login} may not change where the image store is: needs the role 中心管理员 (admin)"),
    "images.store_path_relative": ("影像库路径必须是绝对路径：{path}", "the image store path must be absolute: {path}"),
    "images.store_lacks_images": (
        "{path} 中缺少本数据库 {count} 幅影像中的 {missing} 幅（例如 {example}）；请先把影像库复制过去，"
        "或加 --force 仍然设定",
        "{path} lacks {missing} of this database's {count} images (for example {example}); copy the image store "
        "there first, or add --force to set it anyway"),
    "images.store_changed_meanwhile": (
        "影像库位置刚被他人更改，请重新查看后再设定",
        "the image store location was just changed by someone else; look again, then set it"),
    "images.store_set": ("影像库已设为 {path}（标识 {store_id}）", "the image store is now {path} (id {store_id})"),
    "images.store_status": ("影像库：{path}（{source}，标识 {store_id}）{state}",
                            "image store: {path} ({source}, id {store_id}) {state}"),
    "images.store_state_ok": ("可用", "in order"),
    "images.store_source_setting": ("管理员设定", "set by an administrator"),
    "images.store_source_default": ("数据库文件旁的默认位置", "default, beside the database file"),
    "images.store_source_override": ("本机 GUJI_IMAGE_STORE 指定", "this desk's GUJI_IMAGE_STORE"),
    "images.store_source_unset": ("未设定", "not set"),
    "images.init_store_needs_admin_command": (
        "数据库已有用户：影像库位置由中心管理员用 `guji --user 管理员 settings image-store 路径` 更改",
        "the database already has users: an administrator changes the image store with "
        "`guji --user ADMIN settings image-store PATH`"),
    "images.init_pg_store_later": (
        "注意：PostgreSQL 数据库尚未设定影像库；设定前影像操作会被拒绝（`guji settings image-store 路径`）",
        "note: no image store is set for this PostgreSQL database; image actions refuse until an administrator "
        "sets one (`guji settings image-store PATH`)"),
    # --- backup ---------------------------------------------------------------------------
    "backup.admin_only": (
        "{login} 不能备份：备份含有所有单位的记录和所有用户的密码散列，只有中心管理员（admin）可以备份；未写入任何内容",
        "{login} may not make a backup: a backup holds every institution's records and every user's password "
        "hash, so only an administrator (admin) may; nothing was written"),
    "backup.target_is_file": ("{path} 是文件；备份是一个文件夹，请给出文件夹路径；未写入任何内容",
                              "{path} is a file; a backup is a folder, give a folder path; nothing was written"),
    "backup.target_not_backup": ("{path} 既不是空文件夹，也不是 guji 备份文件夹；未写入任何内容",
                                 "{path} is neither an empty folder nor a guji backup folder; nothing was written"),
    "backup.write_failed": ("写入备份 {path} 失败：{reason}；未写完的文件已删除，文件夹中原有的备份不变",
                            "writing the backup {path} failed: {reason}; the partial file was removed and the backup "
                            "already in the folder is unchanged"),
    "backup.disk_full": ("磁盘已满", "the disk is full"),
    "backup.store_file_missing": (
        "影像库中缺少 {count} 个数据引用的文件（例如 {example}）；备份未完成，文件夹中原有的备份不变",
        "the image store lacks {count} files the data cites (for example {example}); the backup was not "
        "completed and the backup already in the folder is unchanged"),
    "backup.store_file_damaged": (
        "影像库中的 {file} 已损坏（内容与其 SHA-256 名称不符）；备份未完成，文件夹中原有的备份不变",
        "{file} in the image store is damaged (its content does not match its SHA-256 name); the backup was "
        "not completed and the backup already in the folder is unchanged"),
    "backup.done": (
        "备份已写入 {path}：{tables} 个表共 {rows} 行；影像 {images} 个，本次复制 {copied} 个（{copied_bytes}），"
        "已有 {skipped} 个（{skipped_bytes}）",
        "backup written to {path}: {rows} rows in {tables} tables; {images} images, {copied} copied "
        "({copied_bytes}), {skipped} already there ({skipped_bytes})"),
    "backup.verify_ok": ("备份 {path} 完好：数据 {rows} 行校验和相符，影像 {images} 个（{size}）已重新校验",
                         "the backup {path} is sound: the data ({rows} rows) matches its checksum and {images} "
                         "images ({size}) were hashed again"),
    "backup.verify_bad": ("备份 {path} 有 {count} 处问题", "the backup {path} has {count} problems"),
    "backup.not_a_backup": ("{path} 不是 guji 备份（{reason}）", "{path} is not a guji backup ({reason})"),
    "backup.format_unknown": ("{path} 的备份格式为 {found}，本版 guji 读取 {known}",
                              "{path} has backup format {found}; this guji reads {known}"),
    "backup.dump_missing": ("数据文件 {file} 不存在", "the data file {file} is missing"),
    "backup.dump_checksum": ("数据文件 {file} 的校验和不符（已损坏或被改动）",
                             "the data file {file} does not match its checksum (damaged or altered)"),
    "backup.dump_damaged": ("数据文件 {file} 已损坏或不完整（{reason}）",
                            "the data file {file} is damaged or incomplete ({reason})"),
    "backup.image_bad": ("影像 {file} 已损坏（内容与其 SHA-256 名称不符）",
                         "the image {file} is damaged (its content does not match its SHA-256 name)"),
    "backup.image_absent": ("影像 {file} 被数据引用，但不在备份中",
                            "the image {file} is cited by the data but not in the backup"),
    "backup.image_stray": ("{file} 不是影像库文件的名称", "{file} is not the name of an image-store file"),
    # --- restore --------------------------------------------------------------------------
    "backup.restore_needs_admin": (
        "恢复需要备份中一位管理员的登录名和密码（--user 登录名，密码由 GUJI_PASSWORD 或提示输入）；未写入任何内容",
        "a restore needs the login and password of an administrator in the backup (--user LOGIN, the password "
        "from GUJI_PASSWORD or a prompt); nothing was written"),
    "backup.restore_denied": ("{login} 不是该备份中的在职管理员，或密码错误；未写入任何内容",
                              "{login} is not an active administrator in this backup, or the password is wrong; "
                              "nothing was written"),
    "backup.restore_not_empty": ("恢复只能写入空数据库，但 {db} 的 {table} 表已有数据；未写入任何内容",
                                 "a restore goes only into an empty database, but {table} in {db} has rows; "
                                 "nothing was written"),
    "backup.restore_schema": (
        "备份的结构版本是 {found}，数据库是 {current}；请用制作备份的 guji 版本恢复，再升级",
        "the backup has schema {found} but the database has {current}; restore with the guji version that "
        "made the backup, then upgrade"),
    "backup.restore_bad_images": (
        "备份中 {count} 个影像文件缺失或损坏（例如 {example}）；数据未恢复",
        "{count} image files of the backup are missing or damaged (for example {example}); no data was restored"),
    "backup.restore_no_store": (
        "备份含有 {count} 幅影像，但数据库 {db} 没有影像库：先用 `guji init --image-store 路径` 设定；未写入任何内容",
        "the backup holds {count} images but the database {db} has no image store: set one first with "
        "`guji init --image-store PATH`; nothing was written"),
    "backup.restore_chain": (
        "{path} 中的审计日志与其审计链不符（第 {position} 条，记录 {entry}）：备份中的审计记录被改动过；"
        "未恢复任何数据",
        "the audit log in {path} does not match its chain (link {position}, entry {entry}): "
        "audit entries in the backup were altered; nothing was restored"),
    "backup.restore_chain_head": (
        "{path} 的审计链没有结束在备份头记载的链头 {head}：审计记录被截去或改动；未恢复任何数据",
        "the audit chain in {path} does not end at the head {head} its header records: "
        "audit entries were cut off or altered; nothing was restored"),
    "backup.restore_damaged": ("{path} 已损坏或不完整（{reason}）；未恢复任何数据",
                               "{path} is damaged or truncated ({reason}); nothing was restored"),
    "backup.restored": (
        "已把 {rows} 行（{tables} 个表）恢复到 {db}；影像 {images} 个：复制 {copied} 个，影像库中已有 {skipped} 个",
        "restored {rows} rows in {tables} tables into {db}; {images} images: {copied} copied, {skipped} already "
        "in the image store"),
}
