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
    "perm.admin_only": ("{login} 无权{action}：需要中心管理员角色", "{login} may not {action}: needs the role admin"),
    "action.verify_audit": ("核验审计链", "verify the audit chain"),
}
