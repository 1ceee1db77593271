#include "fs.h"
#include "environment.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <atomic>
#include <dirent.h>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oxcc {

static std::string errnoText(const std::string &what, const std::string &path) {
  return what + " " + path + ": " + std::strerror(errno);
}

std::optional<std::string> readFile(const std::string &path, std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = errnoText("cannot open", path);
    return std::nullopt;
  }
  std::string out;
  struct stat st;
  if (fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(st.st_size);
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errnoText("cannot read", path);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, n);
  }
  ::close(fd);
  return out;
}

static bool writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(n);
  }
  return true;
}

bool writeFileAtomic(const std::string &path, std::string_view bytes, const std::string &tmpDir,
                     std::string &error, unsigned mode) {
  // Unique per process and call, so concurrent writers never share a temp.
  static std::atomic<unsigned> counter{0};
  std::string tmp = tmpDir + "/" + std::to_string(getpid()) + "." +
                    std::to_string(counter++) + "." + std::to_string(nowNs() % 1000000007) + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    error = errnoText("cannot create", tmp);
    return false;
  }
  if (!writeAll(fd, bytes)) {
    error = errnoText("cannot write", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::close(fd) != 0) {
    error = errnoText("cannot write", tmp);
    ::unlink(tmp.c_str());
    return false;
  }
  // open() applied the umask; the caller's mode is what it asked for after it.
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = errnoText("cannot rename into place", path);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

bool makeDirs(const std::string &path, std::string &error) {
  if (path.empty()) return true;
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    errno = ENOTDIR;
    error = errnoText("cannot use directory", path);
    return false;
  }
  auto slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0 && !makeDirs(path.substr(0, slash), error))
    return false;
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    error = errnoText("cannot create directory", path);
    return false;
  }
  return true;
}

std::vector<std::string> listDir(const std::string &dir) {
  std::vector<std::string> names;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d))
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool fileExists(const std::string &path) { return ::access(path.c_str(), F_OK) == 0; }

bool isRegularFile(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool isDirectory(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string currentDir() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof buf) ? std::string(buf) : std::string(".");
}

std::string absolutePath(const std::string &path) {
  if (path.empty() || path[0] == '/') return path;
  std::string cwd = currentDir();
  std::string p = path;
  while (p.starts_with("./")) p.erase(0, 2);
  return cwd == "/" ? "/" + p : cwd + "/" + p;
}

std::string dirName(const std::string &path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string baseName(const std::string &path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string withoutTrailingSlashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

std::string realPath(const std::string &path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

std::string selfExe() {
  static std::string self = realPath("/proc/self/exe");
  return self;
}

std::string findOnPath(const std::string &name, const std::string &skipReal) {
  if (name.find('/') != std::string::npos) return name;
  const auto &path = environment().path;
  std::string_view rest = path ? std::string_view(*path) : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::string cand = dir + "/" + name;
    if (::access(cand.c_str(), X_OK) == 0 && isRegularFile(cand) &&
        (skipReal.empty() || realPath(cand) != skipReal))
      return cand;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return "";
}

std::string sha256Hex(std::string_view bytes) {
  llvm::SHA256 h;
  h.update(llvm::StringRef(bytes.data(), bytes.size()));
  auto digest = h.final();
  static const char *hex = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char c : digest) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  return out;
}

int64_t nowNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

} // namespace oxcc
