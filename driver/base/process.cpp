#include "process.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace oxcc {

static std::vector<char *> cArgv(const Command &command) {
  std::vector<char *> argv;
  for (const auto &a : command.argv) argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

void execCommand(const Command &command) {
  auto argv = cArgv(command);
  execv(command.path.c_str(), argv.data());
  fprintf(stderr, "oxcc: error: cannot run %s: %s\n", command.path.c_str(), strerror(errno));
  _exit(errno == ENOENT ? 127 : 126);
}

int spawnAndWait(const Command &command, std::string &error) {
  auto argv = cArgv(command);
  pid_t pid;
  int rc = posix_spawn(&pid, command.path.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) {
    error = "cannot run " + command.path + ": " + strerror(rc);
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      error = std::string("lost the compiler process: ") + strerror(errno);
      return -1;
    }
  return status;
}

void exitLike(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    signal(sig, SIG_DFL);
    raise(sig);
  }
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

bool captureOutput(const Command &command, std::string &out) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  auto argv = cArgv(command);
  pid_t pid;
  int rc = posix_spawnp(&pid, command.path.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc == 0) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
      if (n > 0) out.append(buf, n);
  }
  close(fds[0]);
  if (rc != 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string shellQuote(const std::string &s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

} // namespace oxcc
