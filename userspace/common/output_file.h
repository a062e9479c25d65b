// Every file pare writes for the user (-o, --events, --report,
// --save-manifest, --app-log) goes through here, so the rules are one:
//
//   - "", "-" and "/dev/stdout" mean standard output;
//   - a path that does not exist, or names a regular file, gets a new file that
//     appears whole or not at all: data goes to a temporary file beside it,
//     fsync'ed and renamed over the target only on commit(); a failure, an
//     exception or Ctrl-C removes the temporary and leaves an existing file as
//     it was (its mode is kept);
//   - an existing character device or FIFO (/dev/null, a named pipe, a tty) is
//     written in place, never replaced;
//   - a symlink is followed: the file it names is replaced (the link stays) or
//     the device it names is written; a dangling link is refused;
//   - a directory, a block device, a socket, or a path whose parent is missing
//     or not writable is refused with one clear line, before any work starts.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <string>
#include <vector>

namespace pare {

enum class OutputKind { kStdout, kStream, kFile };

struct OutputPlan {
  std::string given;     // as the user wrote it
  OutputKind kind = OutputKind::kStdout;
  std::string path;      // what is written: the file (symlinks resolved) or the device
  std::string identity;  // equal for two spellings of one file (see outputs_distinct)
};

// Decides where PATH goes by the rules above; ROLE names the option in
// messages ("-o", "--events"). Throws Error(kExitUsage) for a refused path.
OutputPlan plan_output(const std::string& path, const std::string& role);

// Identity of an existing input file (dev:ino), for the checks below; "" if it cannot be stat'ed.
std::string input_identity(const std::string& path);

// Refuses two outputs naming one file (or both stdout) and an output that is
// also one of INPUTS (files read by the command). Throws Error(kExitUsage).
void check_outputs(const std::vector<OutputPlan>& outputs, const std::vector<std::string>& inputs);

class OutputFile {
 public:
  explicit OutputFile(const OutputPlan& plan);  // opens now (a FIFO blocks until read, like `> fifo`)
  OutputFile(const std::string& path, const std::string& role) : OutputFile(plan_output(path, role)) {}
  ~OutputFile();  // not committed: a temporary is removed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(const std::string& data);
  std::FILE* stream() { return stream_; }  // for writers that take a FILE* (libarchive)
  // Flush and fsync; a new file is renamed over its target. Throws Error(kExitFailure).
  void commit();
  const OutputPlan& plan() const { return plan_; }

 private:
  OutputPlan plan_;
  std::string tmp_path_;
  std::FILE* stream_ = nullptr;
  bool committed_ = false;
};

// Writes DATA to PATH by the rules above (stdout when PATH is empty or "-").
void write_output(const std::string& path, const std::string& data, const std::string& role = "-o");

}  // namespace pare
