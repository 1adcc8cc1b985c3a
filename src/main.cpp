// xuna-sync: one call into the command table, and a quick end.
#include "cli/commands.h"

int main(int argc, char** argv) { xs::cli::end_process(xs::cli::main(argc, argv)); }
