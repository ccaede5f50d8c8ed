// Coverage: villages, sites, sectors, fibre, places -> analysis -> report.
