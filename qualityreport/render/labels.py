"""Fixed report wording in Chinese and English, looked up by key from the templates."""

from __future__ import annotations

_TEXT: dict[str, tuple[str, str]] = {
    "school_report_kind": ("质量年度报告", "Annual Quality Report"),
    "city_report_kind": (
        "中等职业教育质量年度报告",
        "Annual Quality Report of Secondary Vocational Education",
    ),
    "school_title": (
        "{name}质量年度报告（{year}年度）",
        "{name}: Annual Quality Report {year}",
    ),
    "city_title": (
        "{city}中等职业教育质量年度报告（{year}年度）",
        "{city}: Annual Quality Report on Secondary Vocational Education {year}",
    ),
    "city_default": ("全市", "City"),
    "toc": ("目录", "Contents"),
    "page_of": ("第 {n} 页 共 {m} 页", "Page {n} of {m}"),
    "year_label": ("（{year}年度）", "{year}"),
    "compiled_by": ("编制单位：{name}", "Compiled by {name}"),
    "county": ("所属县(市、区)", "County"),
    "school_code": ("学校标识码", "School code"),
    "operator_type": ("举办者类型", "Operator"),
    "school_category": ("学校类别", "Category"),
    "date_note": (
        "数据来源：学校填报，经市教育局审核入库。",
        "Source: school submissions, checked and stored by the city bureau.",
    ),
    # school chapters (2016–2021 national structure)
    "ch_overview": ("基本情况", "Overview"),
    "sec_scale": ("规模和结构", "Size and structure"),
    "sec_facilities": ("设施设备", "Facilities and equipment"),
    "sec_teachers": ("教师队伍", "Teaching staff"),
    "ch_student_development": ("学生发展", "Student development"),
    "sec_employment": ("就业质量", "Employment"),
    "sec_student_quality": ("学生素质", "Student achievement"),
    "ch_quality_assurance": ("质量保障措施", "Quality assurance"),
    "sec_specialties": ("专业动态调整", "Adjusting the specialties"),
    "ch_enterprise_cooperation": ("校企合作", "School-enterprise cooperation"),
    "ch_social_contribution": ("社会贡献", "Social contribution"),
    "ch_government_duty": ("举办者履责", "Duties of the operator"),
    "ch_features": ("特色创新", "Features and innovation"),
    "ch_problems": ("主要问题和改进措施", "Problems and improvements"),
    "ch_targets": ("目标达成情况", "Targets"),
    "ch_indicators": ("附录 指标表", "Appendix: indicators"),
    "narrative_heading": ("学校自述", "In the school's words"),
    "narrative_missing": ("本部分未填写。", "This section has not been written."),
    "case_label": ("案例：", "Case: "),
    "verdict_legend": (
        "结果栏：缺参数为该类学校的省定标准尚未设定，缺数为缺少计算所需的数据，缺分项为部分分项无法判定，"
        "不适用为该目标不适用于本校，未到期为未到考核年度，已过期为考核年度已过。",
        "Result: no line = the provincial line is not set; no value = data missing; partial = "
        "some parts cannot be judged; n/a = does not apply; not due / past = outside the year "
        "the target is judged in.",
    ),
    "no_specialties": ("本年度未填报专业设置。", "No specialties were submitted this year."),
    "no_targets": (
        "本年度没有适用于本校的目标，或尚未运行目标检查（qualityreport check）。",
        "No target applies to this school this year, or targets have not been checked yet.",
    ),
    "no_targets_city": (
        "本年度没有对照的目标结果，或尚未运行目标检查（qualityreport check）。",
        "No target results for this year, or targets have not been checked yet.",
    ),
    # table headers
    "indicator": ("指标", "Indicator"),
    "this_school": ("本校", "School"),
    "last_year": ("上年", "Previous year"),
    "change": ("变化", "Change"),
    "city_median": ("全市中位数", "City median"),
    "city_total": ("全市", "City"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "definition": ("定义", "Definition"),
    "kind": ("类型", "Kind"),
    "kind_submitted": ("填报", "submitted"),
    "kind_derived": ("计算", "derived"),
    "kind_computed": ("计算", "computed"),
    "target": ("目标", "Target"),
    "level": ("级别", "Level"),
    "applies_count": ("适用", "Applies"),
    "undetermined_count": ("无法判定", "Undetermined"),
    "clause": ("依据", "Source"),
    "threshold": ("目标值", "Threshold"),
    "result": ("结果", "Result"),
    "subject": ("对象", "Subject"),
    "specialty_code": ("专业代码", "Code"),
    "specialty_name": ("专业名称", "Specialty"),
    "category": ("专业大类", "Category"),
    "status": ("状态", "Status"),
    "enrolled": ("在校生", "Enrolled"),
    "admitted": ("招生", "Admitted"),
    "graduates": ("毕业生", "Graduates"),
    "employed": ("就业", "Employed"),
    "further_study": ("升学", "Further study"),
    "schools": ("学校数", "Schools"),
    "school": ("学校", "School"),
    "specialties": ("专业点数", "Specialties"),
    "added": ("新增", "Added"),
    "stopped": ("停招", "Stopped"),
    "cancelled": ("撤销", "Closed"),
    "share": ("占比", "Share"),
    "file": ("文件", "File"),
    "errors": ("错误数", "Errors"),
    "warnings": ("警告数", "Warnings"),
    "time": ("入库时间", "Time"),
    "code": ("代码", "Code"),
    "finding": ("问题", "Finding"),
    "count": ("次数", "Count"),
    "year": ("年度", "Year"),
    "met_count": ("达成", "Met"),
    "missed_count": ("未达成", "Missed"),
    "nodata_count": ("无数据", "No data"),
    "attainment": ("达成率", "Met share"),
    # city chapters
    "ch_city_key": ("全市基本情况", "Key figures"),
    "sec_city_figures": ("主要指标", "Main indicators"),
    "sec_counties": ("各县(市、区)情况", "By county"),
    "ch_city_targets": ("目标达成情况", "Target attainment"),
    "sec_matrix": ("各校目标达成矩阵", "Targets by school"),
    "sec_city_targets": ("全市层面目标", "City-wide targets"),
    "ch_distributions": ("主要指标分布", "Distributions against targets"),
    "ch_specialty_structure": ("专业结构", "Specialty structure"),
    "ch_completeness": ("数据报送情况", "Completeness of submissions"),
    "ch_trends": ("历年趋势", "Trends"),
    "ch_quality": ("数据质量问题汇总", "Findings by rule"),
    "quality_report_kind": ("质量年报数据报送与数据质量情况", "Submissions and data quality"),
    "internal": ("（内部资料，不公开）", "(internal, not for publication)"),
    "hit_list": ("各规则查出的问题（按学校数）", "Findings by rule (most schools first)"),
    "files": ("文件数", "Files"),
    "none_missing": (
        "应报送的学校都已报送并通过审核。",
        "Every expected school has accepted data.",
    ),
    "ch_school_reports": ("附录 分报告", "Appendix: school reports"),
    "matrix_legend": (
        "绿色为达成，红色为未达成，灰色为未作判定：缺参数（艺术类、边远脱贫地区学校的省定标准尚未设定）、"
        "缺数、缺分项（部分分项无法判定）、未报送、未到期（未到考核年度）；不适用为该目标不适用于该校。",
        "Green: met; red: missed; grey: no verdict (no line set, no value, partial, no "
        "submission, not due yet); n/a: the target does not apply.",
    ),
    "missing_schools": ("未报送或未通过审核的学校", "Schools without an accepted submission"),
    "rejected_files": ("被退回的文件", "Rejected files"),
    "no_rejected": ("本年度没有被退回的文件。", "No file was rejected this year."),
    "no_findings": (
        "本年度入库数据未记录数据质量问题明细。",
        "No findings were recorded for this year's submissions.",
    ),
    "one_year_only": (
        "数据库中只有一个年度的数据，暂无趋势。",
        "Only one year is in the database: no trend yet.",
    ),
    "target_label_city": ("市定目标", "city target"),
    "target_label_national": ("国家标准", "national standard"),
    "subject_school": ("本校", "The school's"),
    "subject_city": ("全市", "The city's"),
}


class Labels:
    """`t.ch_overview` in a template gives the wording in the report's language."""

    def __init__(self, lang: str):
        if lang not in ("zh", "en"):
            raise ValueError(f"unknown language {lang!r}")
        self.lang = lang

    def __getattr__(self, key: str) -> str:
        try:
            zh, en = _TEXT[key]
        except KeyError:
            raise AttributeError(key) from None
        return zh if self.lang == "zh" else en

    def __call__(self, key: str, **values) -> str:
        return getattr(self, key).format(**values)


CN_NUMBERS = ("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、", "十、")
CN_SECTIONS = ("（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）", "（八）")


def numbering(lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Chapter and section numbers: 一、 and （一） in Chinese, 1. and (1) in English."""
    if lang == "zh":
        return CN_NUMBERS, CN_SECTIONS
    return tuple(f"{n}. " for n in range(1, 11)), tuple(f"({m}) " for m in range(1, 9))
