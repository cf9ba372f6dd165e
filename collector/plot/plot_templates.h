/* plot_templates: the gnuplot templates of plots/, compiled in by
 * cmake/embed_plots.cmake (the generated plot_templates.c defines them). */
#ifndef WASMLAB_PLOT_TEMPLATES_H
#define WASMLAB_PLOT_TEMPLATES_H

struct plot_template {
    const char *name;      /* file name in plots/, e.g. "timeline.gp" */
    const char *text;
};

extern const struct plot_template plot_templates[];
extern const int plot_templates_count;

#endif
