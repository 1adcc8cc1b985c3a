#pragma once
// The standard file descriptors, before anything else opens a file or a socket.

namespace xs::cli {

// Opens /dev/null on each of 0, 1 and 2 that is closed, so that no file, database socket or
// connection the process opens later gets one of them (a run started with '>&-' would write
// its plan into whatever took fd 1). Returns false when one could not be opened.
bool open_standard_fds();

}  // namespace xs::cli
