"""Messages of the exchange area (see :mod:`guji.messages`): census XML merges, keys, signed packages."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- merging records (census XML and packages)
    "exchange.conflict.locked": ("{number} 在此处为“{state}”，已锁定：导入从不改动已审核的记录，什么也没有写入；"
                                 "差异见报告",
                                 "{number} is {state} here and locked: an import never changes an approved "
                                 "record, nothing was written; the differences are in the report"),
    "exchange.conflict.both_sides": ("{number} 自上次交换以来两边都改过", "{number} was changed here and there "
                                     "since the last exchange"),
    "exchange.conflict.never_exchanged": ("{number} 从未交换过，且与此处的记录不同",
                                          "{number} was never exchanged before and differs from the record here"),
    "exchange.conflict.under_review": ("{number} 在此处为“{state}”，正在审核：须由审核员退回或重开后才能导入修改",
                                       "{number} is {state} here and under review: a reviewer must return or "
                                       "reopen it before an import may change it"),
    "exchange.state_held": ("{number}：文件标明“{claimed}”，但没有有权给予该审核结果的单位签名；记录以“{state}”"
                            "进入此处的审核",
                            "{number}: the file says {claimed}, but no institution entitled to give it signed "
                            "the file; the record enters review here as {state}"),
    "exchange.report.records": ("{head}{records} 条记录：新增 {new}，更新 {updated}，未变 {unchanged}，"
                                "仅此处修改（保留）{kept}，冲突 {conflicts}",
                                "{head}{records} records: {new} new, {updated} updated, {unchanged} unchanged, "
                                "{kept} changed only here (kept), {conflicts} conflicts"),
    "exchange.report.dry_run": ("试运行，什么也没有写入：", "dry run, nothing written: "),
    "exchange.report.conflict": ("冲突 {number}：{reason}", "conflict {number}: {reason}"),
    "exchange.report.difference": ("    {field}：此处 {here} → 文件 {there}",
                                   "    {field}: here {here} → file {there}"),
    "exchange.report.theirs_hint": ("（未覆盖；--theirs 可取文件中的版本，已审核的记录除外）",
                                    "(not overwritten; --theirs takes the file's version, except for approved "
                                    "records)"),
    # --- keys
    "exchange.key.admin_only": ("{login} 不能登记或吊销单位密钥：需要中心管理员（admin）角色",
                                "{login} may not register or revoke institution keys: needs the role 中心管理员 "
                                "(admin)"),
    "exchange.key.exists": ("{path} 已存在；不会覆盖已有的私钥（要换新密钥请另给路径，或加 --force）",
                            "{path} exists; an existing private key is never overwritten (give another path, or "
                            "--force to replace it)"),
    "exchange.key.write_failed": ("无法写入密钥文件 {path}：{reason}", "cannot write the key file {path}: {reason}"),
    "exchange.key.unreadable": ("无法读取密钥文件 {path}：{reason}", "cannot read the key file {path}: {reason}"),
    "exchange.key.not_private": ("{path} 不是 Ed25519 私钥（PEM）", "{path} is not an Ed25519 private key (PEM)"),
    "exchange.key.too_open": ("私钥 {path} 可被他人读取（权限 {mode}）；请执行 chmod 600 后再用",
                              "the private key {path} is readable by others (mode {mode}); chmod 600 it first"),
    "exchange.key.not_public": ("{path} 不是 Ed25519 公钥（PEM）", "{path} is not an Ed25519 public key (PEM)"),
    "exchange.key.registered_elsewhere": ("此公钥（指纹 {fingerprint}）已登记给 {code}",
                                          "this public key (fingerprint {fingerprint}) is already registered to "
                                          "{code}"),
    "exchange.key.already": ("此公钥（指纹 {fingerprint}）已登记给 {code}，无需再登记",
                             "this public key (fingerprint {fingerprint}) is already registered to {code}"),
    "exchange.key.unknown_fingerprint": ("没有指纹为 {fingerprint} 的已登记密钥",
                                         "no registered key has the fingerprint {fingerprint}"),
    "exchange.key.revoked_already": ("指纹 {fingerprint} 的密钥已于 {when} 吊销",
                                     "the key {fingerprint} was revoked at {when}"),
    "exchange.key.no_private": ("找不到 {code} 的私钥 {path}；先在本机执行 guji institution key generate，"
                                "或用 --key 指出私钥文件",
                                "no private key for {code} at {path}; run guji institution key generate on this "
                                "desk first, or name the key file with --key"),
    "exchange.key.revoked_own": ("私钥 {path} 的公钥（指纹 {fingerprint}）在本库已被吊销，不能再用它签名",
                                 "the public key of {path} (fingerprint {fingerprint}) is revoked in this database; "
                                 "it signs nothing any more"),
    "exchange.key.generated": ("已生成 {code} 的密钥对：私钥 {path}（仅本人可读），指纹 {fingerprint}",
                               "key pair for {code} generated: private key {path} (owner only), fingerprint "
                               "{fingerprint}"),
    "exchange.key.registered": ("已为 {code} 登记公钥，指纹 {fingerprint}",
                                "public key registered for {code}, fingerprint {fingerprint}"),
    "exchange.key.revoked": ("已吊销指纹 {fingerprint} 的密钥（{code}）",
                             "key {fingerprint} ({code}) revoked"),
    # --- exporting packages
    "exchange.export.denied": ("{login} 不能导出交换包：需要著录员（census）或管理员（admin）角色",
                               "{login} may not export exchange packages: needs the role 著录员 (census) or "
                               "中心管理员 (admin)"),
    "exchange.export.no_institution": ("{login} 不属于任何单位，没有可用来签名的单位密钥",
                                       "{login} belongs to no institution, so there is no institution key to sign "
                                       "with"),
    "exchange.export.other_institution": ("{login} 只能导出本单位（{own}）的交换包，不能导出 {code} 的",
                                          "{login} may export packages of their own institution ({own}) only, "
                                          "not of {code}"),
    "exchange.export.image_missing": ("记录或修复档案引用的影像 {sha256} 在影像库中缺少文件（{path}）；交换包未写出",
                                      "the image {sha256} a record or restoration archive cites is missing from the "
                                      "image store ({path}); no package was written"),
    "exchange.export.done": ("交换包 {path}：{code} 第 {sequence} 号，{records} 条记录，{images} 幅影像，"
                             "{rounds} 个审核轮次，{jobs} 份修复档案；指纹 {fingerprint}，审计链头 {head}",
                             "package {path}: {code} number {sequence}, {records} records, {images} images, "
                             "{rounds} review rounds, {jobs} restoration archives; fingerprint {fingerprint}, "
                             "audit chain head {head}"),
    # --- reading packages: every refusal writes nothing
    "exchange.package.unreadable": ("无法读取交换包 {path}：{reason}", "cannot read the package {path}: {reason}"),
    "exchange.package.not_zip": ("{path} 不是交换包，或已被截断（不是完整的 zip 文件）；什么也没有写入",
                                 "{path} is not an exchange package or was cut short (not a whole zip file); "
                                 "nothing was written"),
    "exchange.package.too_big": ("交换包 {path} 有 {size} 字节，超过上限 {limit}；什么也没有写入",
                                 "the package {path} holds {size} bytes, over the limit of {limit}; nothing was "
                                 "written"),
    "exchange.package.bad_name": ("交换包中的成员名 {name!r} 不允许（绝对路径、..、反斜杠或未知成员）；"
                                  "什么也没有写入",
                                  "the package member name {name!r} is not allowed (absolute path, .., backslash or "
                                  "an unknown member); nothing was written"),
    "exchange.package.duplicate": ("交换包中的成员 {name} 出现了不止一次；什么也没有写入",
                                   "the package holds the member {name} more than once; nothing was written"),
    "exchange.package.encrypted": ("交换包中的成员 {name} 已加密；交换包从不加密成员，什么也没有写入",
                                   "the package member {name} is encrypted; packages never encrypt members, nothing "
                                   "was written"),
    "exchange.package.missing_member": ("交换包缺少成员 {name}（已截断或被删改）；什么也没有写入",
                                        "the package lacks the member {name} (cut short or tampered with); nothing "
                                        "was written"),
    "exchange.package.unlisted": ("交换包中的成员 {name} 不在清单中（被添加）；什么也没有写入",
                                  "the package member {name} is not in the manifest (added afterwards); nothing was "
                                  "written"),
    "exchange.package.bad_manifest": ("交换包的清单无效：{reason}；什么也没有写入",
                                      "the package's manifest is not valid: {reason}; nothing was written"),
    "exchange.package.over_budget": ("交换包成员 {name} 声明 {size} 字节，超过上限 {limit}（疑为压缩炸弹）；"
                                     "什么也没有写入",
                                     "the package member {name} declares {size} bytes, over the limit of {limit} "
                                     "(a zip bomb?); nothing was written"),
    "exchange.package.size_mismatch": ("交换包成员 {name} 的大小与清单不符（清单 {declared} 字节，实际 {actual}）；"
                                       "已被删改或为压缩炸弹，什么也没有写入",
                                       "the package member {name} does not have the size the manifest gives "
                                       "({declared} bytes declared, {actual} found): tampered with or a zip bomb; "
                                       "nothing was written"),
    "exchange.package.sum_mismatch": ("交换包成员 {name} 的 SHA-256 与清单不符：已被删改，什么也没有写入",
                                      "the package member {name} does not match its SHA-256 in the manifest: it was "
                                      "tampered with; nothing was written"),
    "exchange.package.damaged": ("交换包成员 {name} 已损坏或被截断（{reason}）；什么也没有写入",
                                 "the package member {name} is damaged or cut short ({reason}); nothing was written"),
    "exchange.package.image_hash": ("交换包中的影像 {name} 的内容与其 SHA-256 名称不符；什么也没有写入",
                                    "the package image {name} does not hash to the SHA-256 it is named by; nothing "
                                    "was written"),
    "exchange.package.image_invalid": ("交换包中的影像 {name} 不是可用的页面影像（{reason}）；什么也没有写入",
                                       "the package image {name} is not a usable page image ({reason}); nothing was "
                                       "written"),
    "exchange.package.bad_json": ("交换包成员 {name} 不是有效的 JSON（{reason}）；什么也没有写入",
                                  "the package member {name} is not valid JSON ({reason}); nothing was written"),
    "exchange.package.bad_signature": ("交换包的签名无效：清单在签名后被改动，或不是由指纹 {fingerprint} 的密钥签名；"
                                       "什么也没有写入",
                                       "the package's signature is not valid: the manifest was changed after signing, "
                                       "or the key {fingerprint} did not sign it; nothing was written"),
    "exchange.package.unknown_key": ("交换包由未登记的密钥（指纹 {fingerprint}，单位 {code}）签名；请先由管理员用 "
                                     "guji institution key register 登记该单位的公钥。什么也没有写入",
                                     "the package is signed by a key not registered here (fingerprint "
                                     "{fingerprint}, institution {code}); an administrator registers the "
                                     "institution's public key first (guji institution key register). Nothing was "
                                     "written"),
    "exchange.package.revoked_key": ("交换包由已于 {when} 吊销的密钥（指纹 {fingerprint}，单位 {code}）签名；"
                                     "什么也没有写入",
                                     "the package is signed by a key revoked at {when} (fingerprint {fingerprint}, "
                                     "institution {code}); nothing was written"),
    "exchange.package.wrong_institution": ("交换包自称来自 {claimed}，但签名密钥登记给 {code}；什么也没有写入",
                                           "the package says it comes from {claimed}, but its signing key is "
                                           "registered to {code}; nothing was written"),
    "exchange.package.replayed": ("交换包是 {code} 的第 {sequence} 号，但此处已导入过其第 {last} 号：顺序不对或重放，"
                                  "什么也没有写入",
                                  "the package is number {sequence} of {code}, but number {last} was already "
                                  "imported here: out of order or replayed; nothing was written"),
    "exchange.package.already": ("交换包 {code} 第 {sequence} 号已于 {when} 导入；这次什么也没有改变",
                                 "package number {sequence} of {code} was already imported at {when}; nothing "
                                 "changed this time"),
    "exchange.package.concurrent": ("{code} 的第 {sequence} 号交换包正被另一处同时导入；什么也没有写入",
                                    "package number {sequence} of {code} was imported elsewhere at the same moment; "
                                    "nothing was written"),
    "exchange.package.unknown_holder": ("交换包中的记录属于此处未登记的单位 {code}；什么也没有写入",
                                        "the package's records belong to {code}, an institution unknown here; "
                                        "nothing was written"),
    "exchange.package.bad_reference": ("交换包成员 {name} 引用了不存在的 {what} {value}；什么也没有写入",
                                       "the package member {name} refers to a {what} {value} that does not exist; "
                                       "nothing was written"),
    "exchange.package.foreign_record": ("{number} 属于 {holder}，但交换包由 {signer} 签名：单位只能发送本单位的数据；"
                                        "什么也没有写入",
                                        "{number} belongs to {holder}, but {signer} signed the package: an "
                                        "institution sends only its own data; nothing was written"),
    "exchange.import.denied": ("{login} 不能导入交换包：需要中心管理员（admin）角色",
                               "{login} may not import exchange packages: needs the role 中心管理员 (admin)"),
    "exchange.import.user_unknown": ("{what} 的 {login} 在此处没有账户；记在导入人 {importer} 名下，原人员写在备注中",
                                     "{login} of {what} has no account here; recorded under the importing "
                                     "administrator {importer}, the original person kept in the note"),
    "exchange.import.job_conflict": ("修复档案 {job} 自上次交换以来两边都改过（或从未交换过而内容不同）；未覆盖",
                                     "restoration archive {job} was changed here and there since the last exchange "
                                     "(or was never exchanged and differs); not overwritten"),
    "exchange.import.job_record": ("修复档案 {job} 所属的记录 {number} 在此处不存在；什么也没有写入",
                                   "restoration archive {job} belongs to the record {number}, which does not exist "
                                   "here; nothing was written"),
    "exchange.import.done": ("交换包 {code} 第 {sequence} 号（指纹 {fingerprint}，审计链头 {head}）：",
                             "package number {sequence} of {code} (fingerprint {fingerprint}, audit chain head "
                             "{head}):"),
    "exchange.import.parts": ("影像 新增 {images_new}、已有 {images_known}；审核轮次 新增 {rounds_new}、已有 "
                              "{rounds_known}；修复档案 新增 {jobs_new}、更新 {jobs_updated}、未变 {jobs_unchanged}、"
                              "冲突 {jobs_conflict}",
                              "images {images_new} new, {images_known} already here; review rounds {rounds_new} "
                              "new, {rounds_known} already here; restoration archives {jobs_new} new, "
                              "{jobs_updated} updated, {jobs_unchanged} unchanged, {jobs_conflict} conflicts"),
}
