"""统计报表: the page, its SVG charts, what it shows, and its XLSX and PDF exports."""
