/* report_html: `wasmlab report html [--run ID|all] --out DIR [--db FILE]
 * [--no-charts]`: one self-contained static page, DIR/index.html, with the
 * run's summary tables and every chart of collector/plot/plot.h (per-load kinds:
 * the median load of each module) embedded as data: URIs. It loads nothing
 * from anywhere (a Content-Security-Policy says so: no network, no scripts),
 * so it opens offline and can be attached to a bug as one file. */
#ifndef WASMLAB_REPORT_HTML_H
#define WASMLAB_REPORT_HTML_H

/* argv[0] is "html". */
int report_html(int argc, char **argv);

#endif
