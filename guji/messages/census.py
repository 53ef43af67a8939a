"""Messages of the census area (see :mod:`guji.messages`)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the .xlsx reader: files refused whole, cells refused one by one
    "census.xlsx.member_too_large": (
        "{name} 中的 {member} 解压后有 {size} 字节，超过上限 {limit} 字节：拒绝读取（文件可能是压缩炸弹），"
        "未写入任何记录",
        "{name}: {member} unpacks to {size} bytes, more than the limit of {limit}: refused (the file may be a "
        "zip bomb); nothing was written"),
    "census.xlsx.member_ratio": (
        "{name} 中的 {member} 压缩比为 {ratio}:1（{size} 字节），超过上限 {limit}:1：拒绝读取（文件可能是压缩炸弹），"
        "未写入任何记录",
        "{name}: {member} is compressed {ratio}:1 ({size} bytes), more than the limit of {limit}:1: refused "
        "(the file may be a zip bomb); nothing was written"),
    "census.xlsx.member_overflow": (
        "{name} 中的 {member} 解压时超过上限 {limit} 字节：拒绝读取，未写入任何记录",
        "{name}: {member} unpacks to more than its limit of {limit} bytes: refused; nothing was written"),
    "census.xlsx.cell_too_long": (
        "单元格有 {length} 个字符，超过 Excel 单元格的上限 {limit} 个字符",
        "the cell holds {length} characters, more than Excel's limit of {limit} for a cell"),
    "census.xlsx.bad_row_number": (
        "{name} 已损坏：第 {after} 行之后的行号 r=\"{value}\" 不是行号；未写入任何记录",
        "{name} is damaged: the row after row {after} has the row number r=\"{value}\", which is not a row "
        "number; nothing was written"),
    "census.xlsx.row_beyond_limit": (
        "{name} 已损坏：行号 {row} 超出 Excel 的最后一行 {limit}；未写入任何记录",
        "{name} is damaged: the row number {row} is beyond Excel's last row {limit}; nothing was written"),
    "census.xlsx.rows_out_of_order": (
        "{name} 已损坏：行号 {row} 出现在第 {after} 行之后（行号必须递增）；未写入任何记录",
        "{name} is damaged: row {row} comes after row {after} (rows must be in increasing order); "
        "nothing was written"),
    "census.xlsx.merge_beyond_limit": (
        "{name} 已损坏：合并单元格 {ref} 超出工作表范围；未写入任何记录",
        "{name} is damaged: the merged cells {ref} reach beyond the sheet; nothing was written"),
    "census.xlsx.too_many_merged": (
        "{name} 的合并单元格共跨 {rows} 行，超过上限 {limit}：请取消合并后再导入；未写入任何记录",
        "{name}: its merged cells span {rows} rows, more than the limit of {limit}: unmerge them and import "
        "again; nothing was written"),

    # --- the Excel import: its workers, matching, duplicates
    "census.import.worker_died": (
        "读取 Excel 的工作进程意外退出（退出码 {code}）；未写入任何记录，请重新导入",
        "an Excel reading process stopped unexpectedly (exit code {code}); nothing was written, import again"),
    "census.import.worker_failed": (
        "读取 Excel 的工作进程出错：{error}；未写入任何记录",
        "an Excel reading process failed: {error}; nothing was written"),
    "census.import.validated": ("已读取并检查 {rows} 行，开始写入", "read and checked {rows} rows; writing"),
    "census.import.writing": ("写入中：第 {done}/{total} 批", "writing batch {done}/{total}"),
    "census.import.locked": (
        "{number} 状态为{state}，已锁定：导入不会修改它，需审核员退回或重新打开后才能更新",
        "{number} is {state} and locked: an import does not change it; a reviewer must return or reopen it "
        "before it can be updated"),
    "census.import.duplicate_of": (
        "疑似重复：与已登记的 {number} 题名卷数、版本相同（若确为复本，请以“允许重复”导入：--allow-duplicates）",
        "likely duplicate of {number} (same title and edition); if it is another copy, import with "
        "--allow-duplicates"),
    "census.import.duplicate_warning": (
        "疑似重复：与已登记的 {number} 题名卷数、版本相同",
        "likely duplicate of {number} (same title and edition)"),
    "census.import.duplicate_in_file": (
        "疑似重复：与第 {row} 行题名卷数、版本相同（若确为复本，请以“允许重复”导入：--allow-duplicates）",
        "likely duplicate of row {row} (same title and edition); if it is another copy, import with "
        "--allow-duplicates"),
    "census.import.duplicate_in_file_warning": (
        "疑似重复：与第 {row} 行题名卷数、版本相同",
        "likely duplicate of row {row} (same title and edition)"),
    "census.import.call_number_ambiguous": (
        "索书号 {call_number} 对应本单位的多条记录（{numbers}）：请填写普查编号，以指明是哪一条",
        "the call number {call_number} belongs to several records of the unit ({numbers}): write the 普查编号 "
        "to say which"),
    "census.import.call_number_repeated": (
        "索书号 {call_number} 在本文件中出现不止一次（另见第 {row} 行）：没有普查编号的行要靠索书号对应记录，"
        "请填写普查编号或区分索书号",
        "the call number {call_number} is in more than one row of the file (also row {row}): a row without a "
        "普查编号 is matched by its call number, so write the 普查编号 or make the call numbers distinct"),

    # --- the import report workbook beside the input
    "census.report.sheet_rows": ("导入结果", "Rows"),
    "census.report.sheet_rows_dry": ("导入结果（预演，未写入）", "Rows (dry run, nothing written)"),
    "census.report.sheet_problems": ("问题", "Problems"),
    "census.report.col_row": ("行", "Row"),
    "census.report.col_number": ("普查编号", "普查编号"),
    "census.report.col_outcome": ("结果", "Outcome"),
    "census.report.col_message": ("说明", "Message"),
    "census.report.col_column": ("列", "Column"),
    "census.report.col_value": ("值", "Value"),
    "census.report.col_problem": ("问题", "Problem"),
    "census.report.col_level": ("级别", "Level"),
    "census.report.level_error": ("错误", "error"),
    "census.report.level_warning": ("提示", "warning"),
    "census.report.outcome_new": ("新建", "new"),
    "census.report.outcome_updated": ("更新", "updated"),
    "census.report.outcome_unchanged": ("未变", "unchanged"),
    "census.report.outcome_conflict": ("冲突", "conflict"),
    "census.report.outcome_error": ("错误", "error"),
    "census.report.assigned": (
        "普查编号为本次导入分配：请填回原表的普查编号列",
        "the 普查编号 was assigned by this import: paste it into the 普查编号 column of the sheet"),
    "census.report.assigned_preview": (
        "预演：实际导入时将分配此普查编号",
        "dry run: the import would assign this 普查编号"),
    "census.report.matched": (
        "按索书号 {call_number} 对应到已登记的记录",
        "matched to the registered record by its call number {call_number}"),
    "census.report.not_written": (
        "因其他行有错误，本行未写入（全部或全不）",
        "not written because other rows have errors (all or nothing)"),
    "census.report.unwritable": (
        "无法保存导入报告 {path}：{reason}",
        "cannot save the import report {path}: {reason}"),
    "census.report.saved": ("导入报告：{path}", "import report: {path}"),

    # --- the Excel export
    "census.export.unstorable": (
        "{number} 含有 Excel 无法保存的控制字符：请在登记中删去后再导出；未写入文件",
        "{number} holds a control character Excel cannot store: delete it in the record and export again; "
        "no file was written"),
}
