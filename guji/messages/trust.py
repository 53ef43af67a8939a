"""Messages of trust: the audit chain, versions and stale edits, permissions, sign-in."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the audit chain
    "audit.chain.ok": ("审计链完整：{entries} 条记录，链头 {head}",
                       "audit chain intact: {entries} entries, head {head}"),
    "audit.chain.empty": ("审计日志为空", "the audit log is empty"),
    "audit.chain.altered": ("审计链在第 {position} 条断开：记录 {entry} 的内容已被改动",
                            "audit chain broken at link {position}: entry {entry} was altered"),
    "audit.chain.unlinked": ("审计链不完整：记录 {entry} 不在链中（绕过程序插入）",
                             "audit chain incomplete: entry {entry} is not linked (inserted around the program)"),
    "audit.chain.missing": ("审计链在第 {position} 条断开：记录 {entry} 已被删除",
                            "audit chain broken at link {position}: entry {entry} was deleted"),
    "audit.chain.broken": ("审计链在第 {position} 条断开（记录 {entry}）：其前的链接被删除、插入或调换",
                           "audit chain broken at link {position} (entry {entry}): links before it were deleted, "
                           "inserted or reordered"),
    "audit.chain.truncated": ("审计链只有 {position} 条，少于已知链头的 {expected} 条：末尾被截去",
                              "audit chain holds {position} links, fewer than the {expected} of the known head: "
                              "its tail was cut off"),
    "audit.chain.diverged": ("审计链在第 {position} 条与已知链头不符（记录 {entry}）",
                             "audit chain differs from the known head at link {position} (entry {entry})"),
    "audit.chain.bad_head": ("链头应写作 条数:哈希（例如 120:3f…），而不是 {value}",
                             "a chain head is written entries:hash (e.g. 120:3f…), not {value}"),
    "audit.chain.state_ok": ("审计链完整（{entries} 条）", "audit chain intact ({entries} entries)"),
    # --- the database boundary (PostgreSQL)
    "security.installed": ("数据库权限已就绪：每人以自己的数据库角色登录（角色前缀 {prefix}）",
                           "the database's boundary is in place: everyone signs in as their own role "
                           "(role prefix {prefix})"),
    "security.not_installed": ("警告：运行 guji init 的角色不能创建角色（需要 CREATEROLE），数据库自身没有设权限边界；"
                               "请以有 CREATEROLE 的所有者角色重新运行 guji init",
                               "warning: the role running guji init may not create roles (CREATEROLE), so the "
                               "database has no boundary of its own; run guji init again as an owner with "
                               "CREATEROLE"),
    # --- passwords and signing in
    "password.too_short": ("密码至少 {n} 个字符", "must be at least {n} characters"),
    "password.spaces": ("密码首尾不能有空格", "must not start or end with spaces"),
    "password.common": ("这个密码太常见，容易被猜中；请另选一个",
                        "this password is too common to guess-proof; choose another"),
    "password.contains_login": ("密码不能是登录名加数字或符号", "must not be the login with digits or signs added"),
    "login.failed": ("用户名或密码不正确（{login}）", "unknown user or wrong password for {login}"),
    "login.locked": ("连续多次登录失败，账号 {login} 已暂时锁定，请于 {until} 后再试，或请管理员解锁",
                     "too many failed sign-ins: the account {login} is locked until {until}; try again then "
                     "or ask an administrator"),
    "login.disabled": ("账号 {login} 已停用", "the account {login} is disabled"),
    "login.session_ended": ("{login} 的命令行会话已结束，请重新输入密码（或运行 guji login）",
                            "the command-line session of {login} has ended; give the password again (or run "
                            "guji login)"),
    "login.signed_in": ("{login} 已登录；此后 {minutes} 分钟内不使用即自动结束，guji logout 立即结束",
                        "{login} is signed in; the session ends after {minutes} minutes without use, or now "
                        "with guji logout"),
    "login.signed_out": ("{login} 已退出登录", "{login} is signed out"),
    "login.who": ("请说明您是谁：--user 登录名（或设置 GUJI_USER）", "say who you are: --user NAME (or set GUJI_USER)"),
    "login.not_signed_in": ("{login} 没有登录中的命令行会话", "{login} has no command-line session to end"),
    "login.needs_password_on_server": ("共享的 PostgreSQL 数据库在每次连接时由服务器核对密码，"
                                       "无法保持登录；请设置 GUJI_PASSWORD",
                                       "a shared PostgreSQL database checks the password at every connection, "
                                       "so a session cannot be kept; set GUJI_PASSWORD"),
    # --- versions and stale edits
    "edit.stale": ("{what} 已被 {who} 于 {when} 修改，您看到的是旧版本；请重新载入后再改，或合并、覆盖",
                   "{what} was changed by {who} at {when} since you opened it; reload it and make your change "
                   "again, or merge, or overwrite"),
    "edit.stale_reload": ("{what} 已被 {who} 于 {when} 修改，您看到的是旧版本，什么也没有写入；请重新载入后再改",
                          "{what} was changed by {who} at {when} since you opened it; nothing was written, reload "
                          "it and make your change again"),
    "edit.stale_unknown": ("{what} 在您打开后已被他人修改；请重新载入后再改",
                           "{what} was changed by someone else since you opened it; reload it and make your "
                           "change again"),
    "edit.stale_now": ("这条数据在同一时刻被他人修改，什么也没有写入；请重新载入",
                       "this was changed by someone else at the same moment; nothing was written, reload it"),
    "db.integrity": ("与数据库中已有的数据冲突，什么也没有写入：{detail}",
                     "this clashes with data already in the database; nothing was written: {detail}"),
    # --- vault
    "vault.already_out": ("{number} 已出库（{purpose}，{to_whom}），自 {since} 起",
                          "{number} is already out ({purpose}, {to_whom}) since {since}"),
    "vault.out_now": ("{number} 刚被他人出库", "{number} was just checked out by someone else"),
    "vault.not_out": ("{number} 不在出库状态", "{number} is not checked out"),
    # --- restoration
    "restoration.sent_elsewhere": ("{login} 无权为 {number} 建修复档案：此书已送往其他单位的修复室",
                                   "{login} may not open a job on {number}: the book was sent to another "
                                   "institution's workshop"),
    "vault.own_workshop": ("这是本单位，无需送修：本单位修复师直接建修复档案即可",
                           "that is the item's own institution: its restorers open the job directly"),
    "vault.sent_for_restoration": ("送修：{workshop}", "sent for restoration to {workshop}"),
    "restoration.no_material": ("没有编号为 {material} 的材料", "no material with id {material}"),
    "restoration.plan_of": ("{number} 的修复方案", "the plan of {number}"),
    "restoration.stock_short": ("{name}：库存只有 {have} {unit}，不能取用 {want}",
                                "{name}: only {have} {unit} in stock, cannot take {want}"),
    # --- review
    "review.four_eyes": ("{login} 已给予 {number} 本轮的单位审核，不能再给予中心审核（四眼原则）；"
                         "请另一位中心审核员审核，或由管理员为只有一位审核员的单位开启“单审核员”",
                         "{login} gave {number} its unit approval in this round and may not also give the centre "
                         "approval (four eyes); another centre reviewer must approve, or an administrator marks "
                         "the institution as having a single reviewer"),
    "review.single_reviewer_note": ("单审核员单位：同一审核员给予单位审核与中心审核",
                                    "single-reviewer institution: one reviewer gave both the unit and the centre "
                                    "approval"),
    "perm.other_institution": ("{login} 无权查看其他单位的数据", "{login} may not see another institution's data"),
    "perm.admin_only": ("{login} 无权{action}：需要中心管理员角色", "{login} may not {action}: needs the role admin"),
    "action.verify_audit": ("核验审计链", "verify the audit chain"),
}
