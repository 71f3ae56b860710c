"""The example city and workbooks with typical mistakes: installed as qualityreport.examples.

generate.py, which writes them, stays out of the installed package (see setup.py).
"""
