// xuna-sync: one call into the command table.
#include "cli/commands.h"

int main(int argc, char** argv) { return xs::cli::main(argc, argv); }
