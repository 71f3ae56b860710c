"""The catalogue of findings: every problem validation can report, with its Chinese and English text."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass

# Every severity a finding can have, most serious first. A rule or a target declared in the
# specs may be an error or a warning; info only reports how a value was read.
SEVERITIES = ("error", "warning", "info")
DECLARABLE_SEVERITIES = SEVERITIES[:2]


@dataclass(frozen=True)
class FindingType:
    code: str
    severity: str
    title_zh: str
    title_en: str
    template_zh: str
    template_en: str


class FindingCounts:
    """The errors and warnings among a result's `findings`."""

    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


def _t(code, severity, title_zh, title_en, template_zh, template_en):
    return FindingType(code, severity, title_zh, title_en, template_zh, template_en)


# Templates are formatted with: label (the indicator's Chinese or English name), found, expected,
# and the extra parameters the finding was made with.
CATALOGUE: dict[str, FindingType] = {
    t.code: t
    for t in (
        _t(
            "file-missing",
            "error",
            "文件不存在",
            "File not found",
            "文件不存在",
            "the file does not exist",
        ),
        _t(
            "file-empty",
            "error",
            "空文件",
            "Empty file",
            "文件为空（0字节）",
            "the file is empty (0 bytes)",
        ),
        _t(
            "file-too-large",
            "error",
            "文件过大",
            "File too large",
            "文件{measure} {found} 超过上限 {expected}",
            "the file's {measure_en} {found} exceeds the limit of {expected}",
        ),
        _t(
            "file-encrypted",
            "error",
            "文件有密码保护",
            "Password-protected file",
            "文件设置了打开密码，请去掉密码后另存为 .xlsx 再提交",
            "the file is password-protected; remove the password and save it as .xlsx",
        ),
        _t(
            "file-not-workbook",
            "error",
            "不是 Excel 工作簿",
            "Not a workbook",
            "无法作为 Excel 工作簿读取：{reason}",
            "cannot be read as an Excel workbook: {reason_en}",
        ),
        _t(
            "file-too-many-rows",
            "error",
            "工作表行数过多",
            "Sheet too large",
            "工作表有 {found} {unit}，超过可读取的上限 {expected} {unit}；请删除多余的行后再提交",
            "the sheet has {found} {unit_en}, more than the limit of {expected}; delete the extra rows and resubmit",
        ),
        _t(
            "file-used-range-too-large",
            "error",
            "工作表已用区域过大",
            "Used range too large",
            "工作表的已用区域为 {found}（{cells} 个单元格），超过可读取的上限 {expected} 个单元格；"
            "多半是远处误填了内容或设置了格式，请删除这些单元格后再提交",
            "the sheet's used range is {found} ({cells} cells), more than the limit of {expected} cells; "
            "stray content or formatting far out in the sheet usually causes this: delete it and resubmit",
        ),
        _t(
            "file-memory-limit",
            "error",
            "读取超出内存上限",
            "Memory limit reached",
            "读取此文件所需的内存超过上限 {expected}，已停止读取；文件可能已损坏，"
            "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交",
            "reading this file needed more memory than the limit of {expected} and was stopped; "
            "the file may be damaged: open it in Excel or WPS and save it as .xlsx",
        ),
        _t(
            "file-time-limit",
            "error",
            "读取超时",
            "Time limit reached",
            "读取此文件超过 {expected} 秒仍未完成，已停止；文件可能已损坏，"
            "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交",
            "reading this file took longer than {expected} seconds and was stopped; the file may be "
            "damaged: open it in Excel or WPS and save it as .xlsx",
        ),
        _t(
            "file-reader-failed",
            "error",
            "读取中止",
            "Reader stopped",
            "读取程序在此文件上意外中止，文件可能已损坏；请用 Excel 或 WPS 打开后另存为 .xlsx 再提交",
            "the reader stopped unexpectedly on this file, which may be damaged; open it in Excel or "
            "WPS and save it as .xlsx",
        ),
        _t(
            "file-check-failed",
            "error",
            "校验出错",
            "Check failed",
            "校验此文件时程序出错，此文件未能校验；请将文件发给系统维护者",
            "the program failed while checking this file, which was not checked; please send the "
            "file to the maintainers",
        ),
        _t(
            "file-format-mismatch",
            "info",
            "扩展名与格式不符",
            "Name and format differ",
            "文件名为 {found}，内容实际是 {format}，已按实际格式读取",
            "the file is named {found} but holds {format_en}; it was read as what it holds",
        ),
        _t(
            "file-has-macros",
            "warning",
            "工作簿含宏",
            "Workbook contains macros",
            "工作簿含有宏（VBA 或宏表），校验时不会运行；请另存为不含宏的 .xlsx 再提交",
            "the workbook contains macros (VBA or macro sheets), which are never run; save it as a macro-free .xlsx",
        ),
        _t(
            "file-unreadable",
            "error",
            "文件无法读取",
            "Unreadable file",
            "文件无法读取：{reason}",
            "the file cannot be read: {reason}",
        ),
        _t(
            "template-unknown",
            "warning",
            "非标准模板",
            "Not from the template",
            "工作簿不是由本年度填报模板生成的（缺少模板信息页），请使用最新模板填报",
            "the workbook was not made from the fill-in template (no template sheet); please use the current template",
        ),
        _t(
            "template-outdated",
            "warning",
            "模板版本过旧",
            "Outdated template",
            "工作簿来自 {found} 版模板，当前版本为 {expected}，请改用最新模板",
            "the workbook comes from template version {found}; the current version is {expected}",
        ),
        _t(
            "template-year-mismatch",
            "warning",
            "模板年度不符",
            "Template year mismatch",
            "模板为 {found} 年度制作，但填报年度为 {expected}，可能沿用了往年的文件",
            "the template was made for {found} but the reporting year is {expected}; last year's file may have been reused",
        ),
        _t(
            "sheet-missing",
            "error",
            "缺少工作表",
            "Missing sheet",
            "缺少工作表“{expected}”",
            "the sheet '{expected}' is missing",
        ),
        _t(
            "sheet-unknown",
            "info",
            "多余的工作表",
            "Unknown sheet",
            "工作表“{found}”不属于填报模板，已忽略",
            "the sheet '{found}' is not part of the template and was ignored",
        ),
        _t(
            "sheet-hidden",
            "warning",
            "工作表被隐藏",
            "Hidden sheet",
            "工作表“{found}”被隐藏，审核人可能看不到其中的数据；请取消隐藏后再提交",
            "the sheet '{found}' is hidden, so reviewers may not see its data; unhide it",
        ),
        _t(
            "sheet-renamed",
            "warning",
            "工作表名称不符",
            "Renamed sheet",
            "工作表“{found}”按内容识别为“{expected}”",
            "the sheet '{found}' was taken as '{expected}'",
        ),
        _t(
            "sheet-duplicate",
            "error",
            "工作表重名",
            "Two sheets of one name",
            "有不止一个工作表名为“{found}”（Excel 不区分大小写），无法确定应读取哪一个；"
            "请删除或重命名多余的工作表",
            "more than one sheet is named '{found}' (Excel ignores letter case), so which to read is "
            "unclear; delete or rename the extra sheet",
        ),
        _t(
            "row-hidden",
            "warning",
            "行被隐藏",
            "Hidden row",
            "第 {found} 行被隐藏，其中的数据仍会读取；请取消隐藏核对后再提交，或删除该行",
            "row {found} is hidden but its data is read; unhide and check it, or delete the row",
        ),
        _t(
            "label-missing",
            "error",
            "找不到指标",
            "Indicator row not found",
            "找不到指标“{label}”所在的行",
            "cannot find the row of '{label}'",
        ),
        _t(
            "label-alias",
            "warning",
            "指标名称不规范",
            "Indicator label differs",
            "“{found}”按别名识别为“{expected}”",
            "'{found}' was taken as '{expected}'",
        ),
        _t(
            "label-duplicate",
            "error",
            "指标重复",
            "Indicator twice",
            "指标“{label}”出现了不止一次（另见 {other}）",
            "'{label}' appears more than once (see also {other})",
        ),
        _t(
            "header-missing",
            "error",
            "缺少列",
            "Missing column",
            "找不到“{expected}”列",
            "cannot find the column '{expected}'",
        ),
        _t(
            "header-alias",
            "warning",
            "列名不规范",
            "Column header differs",
            "列名“{found}”按别名识别为“{expected}”",
            "the header '{found}' was taken as '{expected}'",
        ),
        _t(
            "column-unknown",
            "info",
            "多余的列",
            "Unknown column",
            "列“{found}”不属于模板，已忽略",
            "the column '{found}' is not part of the template and was ignored",
        ),
        _t(
            "value-missing",
            "error",
            "必填项为空",
            "Required value missing",
            "“{label}”为必填项，不能为空",
            "'{label}' is required",
        ),
        _t(
            "value-not-number",
            "error",
            "不是数字",
            "Not a number",
            "“{label}”应为数字，填写的是“{found}”",
            "'{label}' must be a number, found '{found}'",
        ),
        _t(
            "value-inner-space",
            "error",
            "数字中间有空格",
            "Space inside a number",
            "“{label}”填写的“{found}”中间有空格，无法确定是一个数还是两个数；请只填写一个数",
            "'{label}': '{found}' has a space inside, so it may be one number or two; type one number",
        ),
        _t(
            "value-not-integer",
            "error",
            "不是整数",
            "Not a whole number",
            "“{label}”应为整数，填写的是“{found}”",
            "'{label}' must be a whole number, found '{found}'",
        ),
        _t(
            "value-percent-in-count",
            "error",
            "人数处填了百分比",
            "Percentage in a count",
            "“{label}”应填人数等数量，不应填百分比“{found}”；比例由系统计算",
            "'{label}' is a count, not a percentage ('{found}'); ratios are computed for you",
        ),
        _t(
            "value-too-large",
            "error",
            "数值过大",
            "Number too large",
            "“{label}”的数值“{found}”过大，无法准确计算，请核实",
            "'{label}' is too large to compute with ('{found}')",
        ),
        _t(
            "value-below-minimum",
            "error",
            "小于下限",
            "Below the minimum",
            "“{label}”为 {found}，不能小于 {expected}",
            "'{label}' is {found}, which is below {expected}",
        ),
        _t(
            "value-above-maximum",
            "error",
            "超过上限",
            "Above the maximum",
            "“{label}”为 {found}，不能大于 {expected}",
            "'{label}' is {found}, which is above {expected}",
        ),
        _t(
            "value-not-allowed",
            "error",
            "不在可选范围内",
            "Not an allowed value",
            "“{label}”只能填 {expected}，填写的是“{found}”",
            "'{label}' must be one of {expected}, found '{found}'",
        ),
        _t(
            "value-pattern-mismatch",
            "error",
            "格式不正确",
            "Wrong format",
            "“{label}”格式不正确：“{found}”。{hint}",
            "'{label}' has the wrong format: '{found}'",
        ),
        _t(
            "value-too-long",
            "error",
            "文字过长",
            "Text too long",
            "“{label}”不能超过 {expected} 个字",
            "'{label}' cannot be longer than {expected} characters",
        ),
        _t(
            "value-normalised",
            "info",
            "已规范读取",
            "Value normalised",
            "“{label}”填写的“{found}”按 {expected} 读取（{how}）",
            "'{label}': '{found}' was read as {expected} ({how_en})",
        ),
        _t(
            "value-not-collected",
            "info",
            "未统计",
            "Not collected",
            "“{label}”填写“{found}”：按未统计读取，报告不计算用到它的比例（不按0计算）",
            "'{label}' says '{found}' (not collected): the report leaves out the ratios that need it "
            "(it is not read as 0)",
        ),
        _t(
            "value-unit-converted",
            "warning",
            "按其他单位填写",
            "Value typed in another unit",
            "“{label}”填写的“{found}”按 {expected} {unit} 读取（1{typed_unit} {relation} {factor}{unit}）；"
            "本项单位为{unit}，请核实后改填{unit}数",
            "'{label}': '{found}' was read as {expected} {unit} (1 {typed_unit} {relation} {factor} "
            "{unit}); the unit is {unit}: check it and enter the figure in {unit}",
        ),
        _t(
            "value-unit-suspected",
            "warning",
            "疑似按其他单位填写",
            "Value looks typed in another unit",
            "“{label}”为 {found} {unit}，远低于通常范围，疑似按{typed_unit}填写（{converted}）；"
            "本项单位为{unit}",
            "'{label}' is {found} {unit}, far below the usual range, and looks typed in "
            "{typed_unit} ({converted_en}); the unit is {unit}",
        ),
        _t(
            "value-formula-uncached",
            "error",
            "公式无计算结果",
            "Formula without a value",
            "“{label}”是公式，但文件中没有保存它的计算结果（保存此文件的程序不计算公式）；"
            "请在 Excel 或 WPS 中打开后保存，或直接填写数值",
            "'{label}' is a formula whose result was not saved (the program that saved the file does "
            "not calculate); open and save the file in Excel or WPS, or type the value",
        ),
        _t(
            "value-formula-error",
            "error",
            "公式结果为错误值",
            "Error value",
            "“{label}”的值是错误值 {found}（公式除以零或引用无效等），请修正公式或直接填写数值",
            "'{label}' holds the error value {found} (a formula dividing by zero or referring to "
            "nothing); correct the formula or type the value",
        ),
        _t(
            "value-external-link",
            "warning",
            "引用其他工作簿",
            "Link to another workbook",
            "“{label}”的公式引用了另一个工作簿（{found}），读到的是上次保存时的结果，可能已过时；"
            "请直接填写数值",
            "'{label}' is a formula linking another workbook ({found}); what was read is the result "
            "saved last time, which may be out of date: type the value",
        ),
        _t(
            "value-implausible",
            "warning",
            "数值异常",
            "Implausible value",
            "“{label}”为 {found}，超出常见范围 {expected}，请核实",
            "'{label}' is {found}, outside the usual range {expected}; please check",
        ),
        _t(
            "value-unit-wanyuan",
            "warning",
            "疑似以万元填报",
            "Value looks like 万元",
            "“{label}”为 {found} 元，疑似按万元填写（应为 {expected} 元左右），本项单位为元",
            "'{label}' is {found} yuan and looks like it was typed in 万元 (about {expected} yuan expected); the unit is yuan",
        ),
        _t(
            "merged-cells",
            "warning",
            "跨行合并单元格",
            "Cells merged across rows",
            "填报区域内有跨行的合并单元格 {found}，只有第一行读到值，其余行为空；请取消合并并逐行填写",
            "cells {found} are merged across rows in the data area: only the first row has the "
            "value, the others are empty; unmerge them and fill in each row",
        ),
        _t(
            "merged-cells-read",
            "info",
            "合并单元格",
            "Merged cells",
            "“{label}”在合并单元格 {found} 中，按其左上角单元格的值读取",
            "'{label}' is in the merged cells {found} and was read from their top-left cell",
        ),
        _t(
            "table-empty",
            "error",
            "专业表为空",
            "Empty table",
            "“{label}”表中没有任何数据行",
            "the table '{label}' has no rows",
        ),
        _t(
            "table-too-many-rows",
            "error",
            "行数过多",
            "Too many rows",
            "“{label}”表有 {found} 行，超过上限 {expected} 行，超出部分未读取",
            "the table '{label}' has {found} rows, more than the limit of {expected}; the rest was not read",
        ),
        _t(
            "narrative-too-long",
            "error",
            "文字部分过长",
            "Section too long",
            "“{label}”部分有 {found} 个字，超过上限 {expected} 个字；请精简后再提交",
            "the section '{label}' has {found} characters, more than the limit of {expected}; "
            "shorten it",
        ),
        _t(
            "narrative-figure-mismatch",
            "warning",
            "文字与数据不符",
            "Narrative disagrees with the figures",
            "“{label}”部分写“{found}”，按本表填报的数据，{figure}为 {expected}{other_caliber}",
            "the section '{label}' says '{found}', but from this workbook's figures the "
            "{figure_en} is {expected}{other_caliber_en}",
        ),
        _t(
            "specialty-total-row",
            "error",
            "专业表中有合计行",
            "Total row in the table",
            "第 {line} 行是合计行（“{found}”）；专业表只填各专业，合计由系统计算，请删除该行",
            "row {line} is a total row ('{found}'); list the specialties only, totals are computed: "
            "delete the row",
        ),
        _t(
            "specialty-code-malformed",
            "error",
            "专业代码格式错误",
            "Malformed specialty code",
            "专业代码“{found}”不是6位中职专业代码（大类61—79）",
            "'{found}' is not a 6-digit secondary specialty code (categories 61–79)",
        ),
        _t(
            "specialty-code-earlier-catalog",
            "info",
            "早先目录的专业代码",
            "Code of the earlier catalog",
            "专业代码“{found}”按《{catalog}》的代码读取（{until}年度以前适用）{mapped}",
            "'{found}' is read as a code of the earlier catalog {catalog} (in force for report "
            "years up to {until}){mapped_en}",
        ),
        _t(
            "specialty-code-catalog-outdated",
            "error",
            "专业代码属已废止的目录",
            "Code of a catalog no longer in force",
            "专业代码“{found}”是《{catalog}》的代码，只适用于{until}年度以前；{year}年度请填"
            "《职业教育专业目录（2021年）》的6位中职专业代码（大类61—79）{mapped}",
            "'{found}' is a code of {catalog}, in force for report years up to {until} only; for "
            "{year} enter the 6-digit code of the 2021 catalog (categories 61–79){mapped_en}",
        ),
        _t(
            "specialty-code-unknown",
            "warning",
            "专业代码不在目录中",
            "Specialty code not in the catalog",
            "专业代码“{found}”不在《职业教育专业目录（2021年）》中，可能是之后增补的专业，请核实",
            "'{found}' is not in the 2021 specialty catalog; it may be a later supplement, please check",
        ),
        _t(
            "specialty-name-mismatch",
            "warning",
            "专业名称与代码不符",
            "Specialty name does not match code",
            "专业代码 {specialty_code} 在目录中为“{expected}”，填写的是“{found}”",
            "the catalog names code {specialty_code} '{expected}', found '{found}'",
        ),
        _t(
            "specialty-duplicate",
            "error",
            "专业重复",
            "Specialty listed twice",
            "专业代码“{found}”重复出现（另见第 {other} 行）",
            "the code '{found}' appears twice (see also row {other})",
        ),
        _t(
            "specialty-sum-mismatch",
            "warning",
            "分专业合计与全校数不符",
            "Specialty rows do not add up",
            "各专业“{label}”合计为 {found}，与全校填报的 {expected} 不一致",
            "the specialties' '{label}' add up to {found}, but the school total is {expected}",
        ),
        _t(
            "duplicate-submission",
            "warning",
            "同一学校同一年度重复提交",
            "Submitted twice",
            "本批文件中 {other} 也是学校 {found}（{expected}年度）的填报，入库时后者将替换前者，请确认保留哪一份",
            "{other} in this batch is also school {found} for {expected}; on ingest the later file replaces the earlier, so check which one to keep",
        ),
        _t(
            "submission-replaces-earlier-year",
            "error",
            "将替换往年已入库数据",
            "Would replace an earlier year",
            "学校 {found} 的 {expected} 年度已有入库的第 {version} 版，本文件会替换它，但数据库中已有 {latest} "
            "年度的数据；若确为更正往年数据，请用 ingest --replace-earlier-years 重新入库；"
            "若是本年度的填报，请把“年度”改为本年度",
            "school {found} already has version {version} stored for {expected}, which this file "
            "would replace, while the database already holds {latest}; to correct that earlier year "
            "ingest again with --replace-earlier-years; if this is this year's return, correct its "
            "year",
        ),
        _t(
            "cross-field",
            "error",
            "数据之间相互矛盾",
            "Values contradict each other",
            "{rule_zh}：{left_label} 为 {found}，{right_label} 为 {expected}",
            "{rule_en}: {left_label_en} is {found}, {right_label_en} is {expected}",
        ),
        # The bureau's chapters of the city report (a Word document, citytext.py).
        _t(
            "document-unreadable",
            "error",
            "不是 Word 文档",
            "Not a Word document",
            "无法作为 Word 文档（.docx）读取：{reason}",
            "cannot be read as a Word document (.docx): {reason_en}",
        ),
        _t(
            "document-year-missing",
            "error",
            "文档没有年度",
            "No year in the document",
            "文档不是由 qualityreport template --city 生成的，无法确定年度；请用 --year 指明报告年度",
            "the document was not written by qualityreport template --city and names no year; give --year",
        ),
        _t(
            "chapter-unknown",
            "error",
            "提纲中没有这一章",
            "Not a chapter of the outline",
            "一级标题“{found}”不是报告提纲中的章节，其下的文字不会印入报告；提纲的章节为：{expected}",
            "the heading '{found}' is not a chapter of the outline, so its text would be lost; the chapters are: {expected}",
        ),
        _t(
            "chapter-repeated",
            "error",
            "章节重复",
            "Chapter repeated",
            "一级标题“{found}”出现了不止一次",
            "the heading '{found}' appears more than once",
        ),
        _t(
            "chapter-missing",
            "warning",
            "缺少章节",
            "Chapter missing",
            "缺少一级标题“{label}”，报告中该章将显示“本部分未填写”",
            "the heading '{label}' is missing; the report prints the chapter as not written",
        ),
        _t(
            "chapter-empty",
            "warning",
            "必填章节没有内容",
            "Required chapter empty",
            "“{label}”是必填章节，标题下还没有正文",
            "'{label}' must be written before publication and has no text yet",
        ),
        _t(
            "photo-unusable",
            "warning",
            "照片无法使用",
            "Unusable photo",
            "照片格式为 {found} 或超过10 MB，报告只能使用 {expected} 格式的照片",
            "the photo is {found} or larger than 10 MB; the report takes {expected} only",
        ),
        _t(
            "photo-outside-case",
            "warning",
            "照片不在案例中",
            "Photo outside a case",
            "照片只随案例印入报告；请把它放到某个“案例：标题”之下",
            "photos print with a case only; put it under a 'case' heading",
        ),
    )
}


@dataclass(frozen=True)
class Finding:
    """One problem in one submitted file, at one place."""

    severity: str
    code: str
    file: str
    message_zh: str
    message_en: str
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    indicator: str | None = None
    found: str | None = None
    expected: str | None = None
    rule: str | None = None

    @property
    def location(self) -> str:
        """Where it is, as a person would write it: 师资队伍!C7, 专业设置 第5行, or the sheet."""
        sheet = _visible(self.sheet) if self.sheet else self.sheet
        if sheet and self.cell:
            return f"{sheet}!{self.cell}"
        if sheet and self.row:
            return f"{sheet}!{self.row}:{self.row}"
        return sheet or ""

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def to_dict(self) -> dict:
        data = asdict(self)
        data["location"] = self.location
        return data


FOUND_MAX = 200  # characters of a submitted value quoted in a finding


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        # 1e300 is an integer to Python: printed whole it has 301 digits
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    text = _visible(str(value))
    if len(text) > FOUND_MAX:
        return text[:FOUND_MAX] + "…"
    return text


def _visible(text: str) -> str:
    """Control and format characters (bell, right-to-left override, zero-width space) as <U+202E>:
    shown raw they vanish, or reverse the rest of a terminal line."""
    if text.isprintable():
        return text
    return "".join(
        ch
        if ch.isprintable() or ch in "\n\t" or unicodedata.category(ch) == "Zs"
        else f"<U+{ord(ch):04X}>"
        for ch in text
    )


def make_finding(
    code: str,
    file: str,
    *,
    severity: str | None = None,
    sheet=None,
    cell=None,
    row=None,
    indicator=None,
    label="",
    label_en="",
    found=None,
    expected=None,
    rule=None,
    **params,
) -> Finding:
    """A finding of a catalogue type, its messages filled from the given values."""
    kind = CATALOGUE[code]
    found_text, expected_text = _text(found), _text(expected)
    values = {"found": found_text or "", "expected": expected_text or "", **params}
    return Finding(
        severity=severity or kind.severity,
        code=code,
        file=file,
        sheet=sheet,
        cell=cell,
        row=row,
        indicator=indicator,
        found=found_text,
        expected=expected_text,
        rule=rule or code,
        message_zh=kind.template_zh.format(label=label, **values),
        message_en=kind.template_en.format(label=label_en or label, **values),
    )


def catalogue_markdown(rules=()) -> str:
    """The reference page of every finding code (docs/findings.md is generated from this)."""
    lines = [
        "# Finding codes / 校验结果代码",
        "",
        "Generated from `qualityreport/findings.py` and `specs/rules.yaml` by `make docs`; do not edit.",
        "",
        "| code | severity | 中文 | English | message (zh) |",
        "|---|---|---|---|---|",
    ]
    for kind in CATALOGUE.values():
        template = kind.template_zh.replace("|", "\\|")
        lines.append(
            f"| `{kind.code}` | {kind.severity} | {kind.title_zh} | {kind.title_en} | {template} |"
        )
    lines += [
        "",
        "## Cross-field rules / 逻辑校验规则",
        "",
        "Reported with code `cross-field`; the `rule` field carries the rule id.",
        "",
        "| rule | severity | check | 中文 | English |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        check = f"{' + '.join(rule.left)} {rule.op} {' + '.join(rule.right)}"
        lines.append(
            f"| `{rule.id}` | {rule.severity} | `{check}` | {rule.message_zh} | {rule.message_en} |"
        )
    return "\n".join(lines) + "\n"
