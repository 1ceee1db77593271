// Tool mode: `oxcc SUBCOMMAND ...`. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace oxcc {

using Args = std::vector<std::string>;

int toolHelp();
int toolVersion();
int toolList(const Args &args);
int toolEnv(const Args &args);
int toolRun(const Args &args);
int toolShim(const Args &args);
int toolStore(const Args &args);
int toolLd(const Args &args);
int toolLink(const Args &args);
int toolLocalize(const Args &args);

// "oxcc: error: ..." on stderr; returns `code`.
int fail(int code, const std::string &message);

} // namespace oxcc
