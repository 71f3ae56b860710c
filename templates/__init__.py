"""The shipped report and findings templates: installed as qualityreport.templates."""
