/* cmd_browsers: `wasmlab browsers add|list|remove|path` (collector/browsers/browser_store.h). */
#ifndef WASMLAB_CMD_BROWSERS_H
#define WASMLAB_CMD_BROWSERS_H

int cmd_browsers(int argc, char **argv);

#endif
