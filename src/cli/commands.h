#pragma once
// The command table (cf. vcpkg's commands.cpp): adding a command is one file and one row.
#include <string>
#include <vector>

#include "cli/options.h"

namespace xs::cli {

struct Command {
  const char* name;
  const char* summary;  // one line for the overview
  const char* usage;    // "xuna-sync plan [-f PATH]... [--out PLAN.json] ..."
  const char* about;    // what it does (its options come from the CLI11 model)
  const char* example;  // "Example:\n  xuna-sync ...\n"
  int (*run)(const Options& options);
};

const std::vector<Command>& commands();

// Help generated from the CLI11 model: the overview (command empty) or one command's.
std::string help_text(const std::string& command);

int run_validate(const Options& options);
int run_plan(const Options& options);
int run_apply(const Options& options);
int run_discover(const Options& options);
int run_export(const Options& options);
int run_history(const Options& options);
int run_state(const Options& options);
int run_rollback(const Options& options);
int run_schema(const Options& options);
int run_completion(const Options& options);

// Parses argv, dispatches, and turns every error into a message and an exit code.
int main(int argc, char** argv);

// Ends the process with code once a command is done: its output flushed, its state closed
// (the command's own objects are gone by then) and the libraries' static objects left to the
// kernel: destroying them (libphonenumber's metadata and regexps, ICU's, Poco's) took ~10 ms
// of every run (issue 23). A sanitizer build exits normally, for its leak check.
[[noreturn]] void end_process(int code);

}  // namespace xs::cli
