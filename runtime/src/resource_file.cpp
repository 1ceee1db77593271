#include "resource_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oxrt {

MappedFile mapResourceFile(const std::string &path, std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open the packed resources file " + path + ": " + std::strerror(errno);
    return {};
  }
  struct stat st;
  MappedFile file;
  if (::fstat(fd, &st) != 0) {
    error = "cannot stat the packed resources file " + path + ": " + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    error = "the packed resources file " + path + " is not a regular file";
  } else if (st.st_size == 0) {
    error = "the packed resources file " + path + " is empty (made by oxrt-pack?)";
  } else {
    void *p = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
      error = "cannot map the packed resources file " + path + ": " + std::strerror(errno);
    else
      file = {p, size_t(st.st_size)};
  }
  ::close(fd); // the mapping stays
  return file;
}

void unmapResourceFile(MappedFile &file) {
  if (file.data) ::munmap(const_cast<void *>(file.data), file.size);
  file = {};
}

} // namespace oxrt
