// The few filesystem operations oxcc needs, with errors as strings (errno
// text plus the path) so callers can name the file in their message.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oxcc {

std::optional<std::string> readFile(const std::string &path, std::string &error);

// Writes `bytes` to `path` so that a reader sees either the old file or the
// whole new one, never a prefix: write to a temporary file in `tmpDir` (same
// filesystem) and rename it over `path`. The temporary is removed on any
// failure, so a full disk leaves nothing behind.
bool writeFileAtomic(const std::string &path, std::string_view bytes, const std::string &tmpDir,
                     std::string &error, unsigned mode = 0644);

// mkdir -p; true if the directory exists afterwards.
bool makeDirs(const std::string &path, std::string &error);

// Names in a directory (no dot files), sorted; empty if unreadable.
std::vector<std::string> listDir(const std::string &dir);

bool fileExists(const std::string &path);
bool isRegularFile(const std::string &path);
bool isDirectory(const std::string &path);
std::string absolutePath(const std::string &path); // lexical, against cwd
std::string currentDir();
std::string dirName(const std::string &path);
std::string baseName(const std::string &path);
std::string realPath(const std::string &path); // "" if it does not resolve
std::string withoutTrailingSlashes(std::string dir); // "/" stays "/"

// The running executable (/proc/self/exe resolved).
std::string selfExe();
// First executable named `name` on PATH whose real path is not `skipReal`.
std::string findOnPath(const std::string &name, const std::string &skipReal = "");

std::string sha256Hex(std::string_view bytes);
int64_t nowNs();

} // namespace oxcc
