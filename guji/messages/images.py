"""Messages of the images area: the image store, its location, backups (see :mod:`guji.messages`)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- where the image store is -------------------------------------------------------
    "images.store_unset": (
        "數據庫 {db} 尚未設定影像庫：請中心管理員用 `guji settings image-store 路徑` 設定各工作站共用的影像庫文件夾",
        "no image store is set for the database {db}: an administrator sets the shared image-store folder "
        "with `guji settings image-store PATH`"),
    "images.store_where_unset": ("（尚未設定，見 `guji settings image-store`）",
                                 "(not set yet, see `guji settings image-store`)"),
    "images.store_missing": (
        "影像庫 {path} 不存在或無法訪問（文件夾被刪除，或網絡盤未掛載？）；本數據庫的影像庫應在 {right}。未寫入任何內容",
        "the image store {path} is missing or cannot be reached (folder deleted, or a share not mounted?); "
        "this database's image store should be at {right}. Nothing was written"),
    "images.store_unmarked": (
        "{path} 不是本數據庫的影像庫（沒有影像庫標記文件 {marker}）；本數據庫的影像庫應在 {right}。未寫入任何內容",
        "{path} is not the image store of this database (it has no store marker {marker}); this database's "
        "image store should be at {right}. Nothing was written"),
    "images.store_foreign": (
        "{path} 不是本數據庫的影像庫（其標識 {found} 與數據庫記錄的 {expected} 不同）；本數據庫的影像庫應在 {right}。"
        "未寫入任何內容",
        "{path} is not the image store of this database (its id {found} differs from the database's {expected}); "
        "this database's image store should be at {right}. Nothing was written"),
    "images.store_taken": (
        "{path} 已是另一個數據庫的影像庫（標識 {found}），不能用作本數據庫的影像庫。未寫入任何內容",
        "{path} is already the image store of another database (id {found}) and cannot be this database's. "
        "Nothing was written"),
    "images.store_legacy": (
        "本數據庫已有 {count} 幅影像，但 {path} 中沒有它們；舊版 guji 把所有數據庫的影像放在 {legacy}。"
        "請中心管理員用 `guji settings image-store 路徑` 指明存放這些影像的文件夾",
        "this database has {count} images but {path} holds none of them; older versions of guji kept the images "
        "of every database in {legacy}. An administrator names the folder that holds them with "
        "`guji settings image-store PATH`"),
    "images.store_not_folder": ("{path} 是文件，不是文件夾", "{path} is a file, not a folder"),
    "images.store_unreadable": ("無法讀取影像庫 {path}：{reason}", "cannot read the image store {path}: {reason}"),
    "images.store_write_failed": ("無法寫入影像庫 {path}：{reason}；未寫入任何內容",
                                  "cannot write to the image store {path}: {reason}; nothing was written"),
    "images.bad_path": (
        "數據庫中影像 {image} 的路徑 {relpath} 不是影像庫中的路徑（應為 ab/cd/<SHA-256>.<擴展名>）；未讀取任何文件",
        "the database gives image {image} the path {relpath}, which is not a path of the image store "
        "(ab/cd/<SHA-256>.<ext>); no file was read"),
    "images.file_missing": ("影像 {image}（{relpath}）的文件不在影像庫 {path} 中",
                            "the file of image {image} ({relpath}) is missing from the image store {path}"),
    # --- setting the location (administrators) ------------------------------------------
    "images.settings_admin_only": ("{login} 不能更改影像庫位置：需要中心管理員（admin）角色",
                                   "{login} may not change where the image store is: needs the role 中心管理员 (admin)"),
    "images.store_path_relative": ("影像庫路徑必須是絕對路徑：{path}", "the image store path must be absolute: {path}"),
    "images.store_lacks_images": (
        "{path} 中缺少本數據庫 {count} 幅影像中的 {missing} 幅（例如 {example}）；請先把影像庫複製過去，"
        "或加 --force 仍然設定",
        "{path} lacks {missing} of this database's {count} images (for example {example}); copy the image store "
        "there first, or add --force to set it anyway"),
    "images.store_changed_meanwhile": ("影像庫位置剛被他人更改，請重新查看後再設定",
                                       "the image store location was just changed by someone else; look again, then set it"),
    "images.store_set": ("影像庫已設為 {path}（標識 {store_id}）", "the image store is now {path} (id {store_id})"),
    "images.store_status": ("影像庫：{path}（{source}，標識 {store_id}）{state}",
                            "image store: {path} ({source}, id {store_id}) {state}"),
    "images.store_state_ok": ("可用", "in order"),
    "images.store_source_setting": ("管理員設定", "set by an administrator"),
    "images.store_source_default": ("數據庫文件旁的默認位置", "default, beside the database file"),
    "images.store_source_override": ("本機 GUJI_IMAGE_STORE 指定", "this desk's GUJI_IMAGE_STORE"),
    "images.store_source_unset": ("未設定", "not set"),
    "images.init_store_needs_admin_command": (
        "數據庫已有用戶：影像庫位置由中心管理員用 `guji --user 管理員 settings image-store 路徑` 更改",
        "the database already has users: an administrator changes the image store with "
        "`guji --user ADMIN settings image-store PATH`"),
    "images.init_pg_store_later": (
        "注意：PostgreSQL 數據庫尚未設定影像庫；設定前影像操作會被拒絕（`guji settings image-store 路徑`）",
        "note: no image store is set for this PostgreSQL database; image actions refuse until an administrator "
        "sets one (`guji settings image-store PATH`)"),
    # --- backup ---------------------------------------------------------------------------
    "backup.admin_only": (
        "{login} 不能備份：備份含有所有單位的記錄和所有用戶的密碼散列，只有中心管理員（admin）可以備份；未寫入任何內容",
        "{login} may not make a backup: a backup holds every institution's records and every user's password "
        "hash, so only an administrator (admin) may; nothing was written"),
    "backup.target_is_file": ("{path} 是文件；備份是一個文件夾，請給出文件夾路徑；未寫入任何內容",
                              "{path} is a file; a backup is a folder, give a folder path; nothing was written"),
    "backup.target_not_backup": ("{path} 既不是空文件夾，也不是 guji 備份文件夾；未寫入任何內容",
                                 "{path} is neither an empty folder nor a guji backup folder; nothing was written"),
    "backup.write_failed": ("寫入備份 {path} 失敗：{reason}；未寫完的文件已刪除，文件夾中原有的備份不變",
                            "writing the backup {path} failed: {reason}; the partial file was removed and the backup "
                            "already in the folder is unchanged"),
    "backup.disk_full": ("磁盤已滿", "the disk is full"),
    "backup.store_file_missing": (
        "影像庫中缺少 {count} 個數據引用的文件（例如 {example}）；備份未完成，文件夾中原有的備份不變",
        "the image store lacks {count} files the data cites (for example {example}); the backup was not "
        "completed and the backup already in the folder is unchanged"),
    "backup.store_file_damaged": (
        "影像庫中的 {file} 已損壞（內容與其 SHA-256 名稱不符）；備份未完成，文件夾中原有的備份不變",
        "{file} in the image store is damaged (its content does not match its SHA-256 name); the backup was "
        "not completed and the backup already in the folder is unchanged"),
    "backup.done": (
        "備份已寫入 {path}：{tables} 個表共 {rows} 行；影像 {images} 個，本次複製 {copied} 個（{copied_bytes}），"
        "已有 {skipped} 個（{skipped_bytes}）",
        "backup written to {path}: {rows} rows in {tables} tables; {images} images, {copied} copied "
        "({copied_bytes}), {skipped} already there ({skipped_bytes})"),
    "backup.verify_ok": ("備份 {path} 完好：數據 {rows} 行校驗和相符，影像 {images} 個（{size}）已重新校驗",
                         "the backup {path} is sound: the data ({rows} rows) matches its checksum and {images} "
                         "images ({size}) were hashed again"),
    "backup.verify_bad": ("備份 {path} 有 {count} 處問題", "the backup {path} has {count} problems"),
    "backup.not_a_backup": ("{path} 不是 guji 備份（{reason}）", "{path} is not a guji backup ({reason})"),
    "backup.format_unknown": ("{path} 的備份格式為 {found}，本版 guji 讀取 {known}",
                              "{path} has backup format {found}; this guji reads {known}"),
    "backup.dump_missing": ("數據文件 {file} 不存在", "the data file {file} is missing"),
    "backup.dump_checksum": ("數據文件 {file} 的校驗和不符（已損壞或被改動）",
                             "the data file {file} does not match its checksum (damaged or altered)"),
    "backup.dump_damaged": ("數據文件 {file} 已損壞或不完整（{reason}）",
                            "the data file {file} is damaged or incomplete ({reason})"),
    "backup.image_bad": ("影像 {file} 已損壞（內容與其 SHA-256 名稱不符）",
                         "the image {file} is damaged (its content does not match its SHA-256 name)"),
    "backup.image_absent": ("影像 {file} 被數據引用，但不在備份中", "the image {file} is cited by the data but not in the backup"),
    "backup.image_stray": ("{file} 不是影像庫文件的名稱", "{file} is not the name of an image-store file"),
    # --- restore --------------------------------------------------------------------------
    "backup.restore_needs_admin": (
        "恢復需要備份中一位管理員的登錄名和密碼（--user 登錄名，密碼由 GUJI_PASSWORD 或提示輸入）；未寫入任何內容",
        "a restore needs the login and password of an administrator in the backup (--user LOGIN, the password "
        "from GUJI_PASSWORD or a prompt); nothing was written"),
    "backup.restore_denied": ("{login} 不是該備份中的在職管理員，或密碼錯誤；未寫入任何內容",
                              "{login} is not an active administrator in this backup, or the password is wrong; "
                              "nothing was written"),
    "backup.restore_not_empty": ("恢復只能寫入空數據庫，但 {db} 的 {table} 表已有數據；未寫入任何內容",
                                 "a restore goes only into an empty database, but {table} in {db} has rows; "
                                 "nothing was written"),
    "backup.restore_schema": (
        "備份的結構版本是 {found}，數據庫是 {current}；請用製作備份的 guji 版本恢復，再升級",
        "the backup has schema {found} but the database has {current}; restore with the guji version that "
        "made the backup, then upgrade"),
    "backup.restore_bad_images": (
        "備份中 {count} 個影像文件缺失或損壞（例如 {example}）；數據未恢復",
        "{count} image files of the backup are missing or damaged (for example {example}); no data was restored"),
    "backup.restore_no_store": (
        "備份含有 {count} 幅影像，但數據庫 {db} 沒有影像庫：先用 `guji init --image-store 路徑` 設定；未寫入任何內容",
        "the backup holds {count} images but the database {db} has no image store: set one first with "
        "`guji init --image-store PATH`; nothing was written"),
    "backup.restore_chain": ("{path} 中的审计日志与其审计链不符（第 {position} 条，记录 {entry}）：备份中的审计记录被改动过；未恢复任何数据",
                             "the audit log in {path} does not match its chain (link {position}, entry {entry}): "
                             "audit entries in the backup were altered; nothing was restored"),
    "backup.restore_chain_head": ("{path} 的审计链没有结束在备份头记载的链头 {head}：审计记录被截去或改动；未恢复任何数据",
                                  "the audit chain in {path} does not end at the head {head} its header records: "
                                  "audit entries were cut off or altered; nothing was restored"),
    "backup.restore_damaged": ("{path} 已損壞或不完整（{reason}）；未恢復任何數據",
                               "{path} is damaged or truncated ({reason}); nothing was restored"),
    "backup.restored": (
        "已把 {rows} 行（{tables} 個表）恢復到 {db}；影像 {images} 個：複製 {copied} 個，影像庫中已有 {skipped} 個",
        "restored {rows} rows in {tables} tables into {db}; {images} images: {copied} copied, {skipped} already "
        "in the image store"),
}
