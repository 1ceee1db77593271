/* Prints the names in / (without dot names), the working directory and
   argc; exits 3 if /dev/null cannot be opened. in-empty-root.test runs it
   as the only program in an empty root. */
#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  (void)argv;
  char cwd[256];
  DIR *d = opendir("/");
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (e->d_name[0] != '.') printf("%s ", e->d_name);
  printf("| %s | %d\n", getcwd(cwd, sizeof cwd), argc);
  return fopen("/dev/null", "w") ? 0 : 3;
}
