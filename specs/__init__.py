"""The shipped specs (indicators, rules, target sets): installed as qualityreport.specs."""
