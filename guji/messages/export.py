"""Messages of the exports (see :mod:`guji.messages`): format names, options, results."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the formats of export.registry
    "export.format.census_xml": ("普查 XML（全国交换格式）", "Census XML (national exchange format)"),
    "export.format.marc_xml": ("MARC 记录（MARCXML）", "MARC records (MARCXML)"),
    "export.format.marc_iso": ("MARC 记录（ISO 2709）", "MARC records (ISO 2709)"),
    "export.format.excel": ("Excel 登记表（七项及详细著录）", "Excel register (seven columns and details)"),
    "export.format.register": ("普查登记目录（PDF）", "Printed census register (PDF)"),
    "export.format.illustrated": ("珍贵古籍图录（PDF）", "Illustrated catalogue of precious books (PDF)"),
    "export.format.labels": ("书标（带二维码，PDF）", "Book labels with QR codes (PDF)"),
    "export.format.iiif": ("IIIF 清单（一条记录的书影）", "IIIF manifest of one record's page images"),
    # --- their options
    "export.option.title": ("目录标题（默认取自收藏单位）", "catalogue title (default: from the holding institution)"),
    "export.option.images": ("以普查编号命名的图像文件夹（默认用记录所附图像）",
                             "folder of images named by census number (default: the images attached to "
                             "each record)"),
    "export.option.dpi": ("图像打印分辨率（72–600，默认 200）", "print resolution of the images (72–600, default 200)"),
    "export.option.start": ("第一张标签纸跳过的标签位数", "skip this many label positions on the first sheet"),
    "export.option.outline": ("不画裁切线（用于预裁标签纸）", "no cut lines (for pre-cut label stock)"),
    "export.option.mark": ("不把这次导出记为各记录的最近一次交换（供阅读的副本）",
                           "do not record this export as the last exchange of each record (a copy for reading)"),
    "export.option.base_url": ("清单与图像发布的网址；图像应在 URL/普查编号/images/文件名",
                               "where the manifest and images will be served; images are expected at "
                               "URL/NUMBER/images/FILE"),
    # --- results
    "export.done.records": ("{count} 条记录已写入 {path}", "{count} records written to {path}"),
    "export.done.entries.pages": ("{count} 条款目、{pages} 页已写入 {path}",
                                  "{count} entries, {pages} pages written to {path}"),
    "export.done.labels.pages": ("{count} 张书标、{pages} 页已写入 {path}",
                                 "{count} labels on {pages} sheet(s) written to {path}"),
    "export.done.canvases.of": ("{subject} 的清单（{count} 幅）已写入 {path}",
                                "manifest of {subject} with {count} canvases written to {path}"),
}
