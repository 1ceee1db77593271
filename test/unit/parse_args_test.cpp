// Classification of compiler command lines (driver/wrapper/parse_args.cpp).
#include "wrapper/parse_args.h"

#include <gtest/gtest.h>

using namespace oxcc;

static Invocation parse(std::vector<std::string> args, bool cxx = false) {
  return parseInvocation(args, cxx);
}

TEST(ParseArgs, CompileWithOutput) {
  auto inv = parse({"-c", "/src/a.c", "-o", "build/a.o", "-O2", "-fPIC", "-I/usr/include/python3.11"});
  EXPECT_EQ(inv.kind, Kind::Compile);
  ASSERT_EQ(inv.objects.size(), 1u);
  EXPECT_EQ(inv.objects[0].source, "/src/a.c");
  EXPECT_EQ(inv.objects[0].object, "build/a.o");
  EXPECT_EQ(inv.inputs[0].language, "c");
  EXPECT_EQ(inv.flags, (std::vector<std::string>{"-O2", "-fPIC", "-I/usr/include/python3.11"}));
}

TEST(ParseArgs, SeveralSourcesGetDefaultObjects) {
  auto inv = parse({"-c", "dir/x.c", "y.cpp"});
  EXPECT_EQ(inv.kind, Kind::Compile);
  ASSERT_EQ(inv.objects.size(), 2u);
  EXPECT_EQ(inv.objects[0].object, "x.o");
  EXPECT_EQ(inv.objects[1].object, "y.o");
  EXPECT_EQ(inv.inputs[1].language, "c++");
}

TEST(ParseArgs, CxxDriverCompilesCAsCxx) {
  EXPECT_EQ(parse({"-c", "a.c"}, true).inputs[0].language, "c++");
  EXPECT_EQ(parse({"-x", "c++", "-c", "a.c"}).inputs[0].language, "c++");
  EXPECT_EQ(parse({"-x", "c++", "-c", "a.c", "-x", "none", "b.c"}).inputs[1].language, "c");
}

TEST(ParseArgs, SeparateAndJoinedForms) {
  auto inv = parse({"-shared", "-oout.so", "a.o", "-L", "/opt/lib", "-lfoo", "-l", "bar",
                    "-Wl,-O1,--as-needed", "-Xlinker", "-zrelro", "lib.a", "dep.so.1"});
  EXPECT_EQ(inv.kind, Kind::LinkShared);
  EXPECT_EQ(inv.output, "out.so");
  EXPECT_EQ(inv.libraries, (std::vector<std::string>{"foo", "bar"}));
  EXPECT_EQ(inv.libraryDirs, (std::vector<std::string>{"/opt/lib"}));
  EXPECT_EQ(inv.linkerArgs, (std::vector<std::string>{"-Wl,-O1,--as-needed", "-Xlinker", "-zrelro"}));
  ASSERT_EQ(inv.inputs.size(), 3u);
  EXPECT_EQ(inv.inputs[0].type, InputType::Object);
  EXPECT_EQ(inv.inputs[1].type, InputType::Archive);
  EXPECT_EQ(inv.inputs[2].type, InputType::SharedLib);
}

TEST(ParseArgs, Kinds) {
  EXPECT_EQ(parse({"--version"}).kind, Kind::Query);
  EXPECT_EQ(parse({"-dumpversion"}).kind, Kind::Query);
  EXPECT_EQ(parse({"-dumpfullversion"}).kind, Kind::Query);
  EXPECT_EQ(parse({"-print-file-name=libc.a"}).kind, Kind::Query);
  EXPECT_EQ(parse({"-E", "-dM", "-", "-x", "c"}).kind, Kind::Preprocess);
  EXPECT_EQ(parse({"-E", "a.c"}).kind, Kind::Preprocess);
  EXPECT_EQ(parse({"-MM", "a.c"}).kind, Kind::Preprocess);
  EXPECT_EQ(parse({"-S", "a.c"}).kind, Kind::AssembleOnly);
  EXPECT_EQ(parse({"-fsyntax-only", "a.c"}).kind, Kind::Query);
  EXPECT_EQ(parse({"a.c", "-o", "a"}).kind, Kind::LinkExe);
  EXPECT_EQ(parse({"a.o"}).output, "a.out");
  // -MD writes a dependency file beside a normal compile.
  EXPECT_EQ(parse({"-c", "a.c", "-MD", "-MF", "a.d"}).kind, Kind::Compile);
}

TEST(ParseArgs, UnclearCallsAreUnknown) {
  EXPECT_EQ(parse({}).kind, Kind::Unknown);
  EXPECT_EQ(parse({"-c", "a.c", "b.c", "-o", "x.o"}).kind, Kind::Unknown);
  EXPECT_EQ(parse({"-r", "a.o", "-o", "x.o"}).kind, Kind::Unknown);
  EXPECT_EQ(parse({"-c", "a.c", "-o"}).kind, Kind::Unknown); // -o without a value
  EXPECT_EQ(parse({"-c", "a.o"}).kind, Kind::Unknown);
  EXPECT_NE(parse({"-c", "a.c", "-o"}).whyUnknown.find("missing its value"), std::string::npos);
}

TEST(ParseArgs, AbsolutePathsAreInputsNotClOptions) {
  auto inv = parse({"-c", "/work/a.c", "-o", "/link/a.o"});
  EXPECT_EQ(inv.kind, Kind::Compile);
  EXPECT_EQ(inv.objects[0].source, "/work/a.c");
  EXPECT_EQ(inv.objects[0].object, "/link/a.o");
}

TEST(ParseArgs, UnknownFlagsAreKeptVerbatim) {
  auto inv = parse({"-c", "-weird", "a.c", "--some-gcc-only=1", "-fno-plt"});
  EXPECT_EQ(inv.kind, Kind::Compile);
  EXPECT_EQ(inv.flags, (std::vector<std::string>{"-weird", "--some-gcc-only=1", "-fno-plt"}));
  EXPECT_EQ(inv.compilerArgs,
            (std::vector<std::string>{"-c", "-weird", "a.c", "--some-gcc-only=1", "-fno-plt"}));
}

TEST(ParseArgs, ResponseFileReadButNotExpandedForCompiler) {
  char dir[] = "/tmp/oxcc-rsp-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string rsp = std::string(dir) + "/args";
  FILE *f = fopen(rsp.c_str(), "w");
  fputs("-c 'my file.c' -o out.o", f);
  fclose(f);
  auto inv = parse({"@" + rsp});
  EXPECT_EQ(inv.kind, Kind::Compile);
  EXPECT_EQ(inv.objects[0].source, "my file.c");
  EXPECT_EQ(inv.compilerArgs, (std::vector<std::string>{"@" + rsp}));
  remove(rsp.c_str());
  rmdir(dir);
}

TEST(ParseArgs, TargetAndDryRun) {
  auto inv = parse({"--target=x86_64-linux-musl", "-###", "-c", "a.c"});
  EXPECT_EQ(inv.target, "x86_64-linux-musl");
  EXPECT_TRUE(inv.dryRun);
  EXPECT_EQ(parse({"-target", "aarch64-linux-gnu", "-c", "a.c"}).target, "aarch64-linux-gnu");
}
