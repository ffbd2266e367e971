/* The boards machine.c lists in machine_boards[]; each lives in platforms/<name>/. */
#ifndef PLATFORMS_BOARDS_H
#define PLATFORMS_BOARDS_H

#include "platform/machine.h"

extern const struct board board_vexpress_a9;

#endif
