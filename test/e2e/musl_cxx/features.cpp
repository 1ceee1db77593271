// A C++ program for target x86_64-linux-musl (musl_cxx_test.sh): the parts of
// libstdc++ that lean on the C library (iostreams and locales, exceptions
// across threads, thread_local destructors, random_device, charconv),
// each checked by its answer. Prints "cxx ok" and exits 0 when all hold.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <future>
#include <iomanip>
#include <iostream>
#include <locale>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <charconv>
#include <condition_variable>

struct Tracker { int *count; ~Tracker() { ++*count; } };
static int tls_destroyed = 0;
static void use_tls() { thread_local Tracker t{&tls_destroyed}; (void)t; }

int main() {
  int fails = 0;
  auto expect = [&](bool ok, const char *what) { if (!ok) { std::cout << "FAIL " << what << "\n"; ++fails; } };
  std::map<std::string, int> m;
  for (auto w : {"pear", "apple", "fig"}) m[w] = (int)std::string(w).size();
  expect(m.begin()->first == "apple" && m["fig"] == 3, "map");
  try { throw std::runtime_error("boom"); } catch (const std::exception &e) { expect(std::string(e.what()) == "boom", "exception"); }
  try { (void)std::stoi("x"); expect(false, "stoi throws"); } catch (const std::invalid_argument &) {}
  try { std::vector<int> v; (void)v.at(3); expect(false, "at throws"); } catch (const std::out_of_range &) {}
  std::istringstream is("  12   34 words 2.5");
  int a = 0, b = 0; std::string w; double d = 0;
  is >> a >> b >> w >> d;
  expect(a == 12 && b == 34 && w == "words" && d == 2.5, "istream parse");
  std::ostringstream os;
  os << std::fixed << std::setprecision(3) << 3.14159 << ' ' << std::hex << 255 << ' ' << std::dec << 1e10 << ' ' << -7;
  expect(os.str() == "3.142 ff 10000000000.000 -7", "ostream format");
  const std::locale &loc = std::locale::classic();
  expect(std::isspace(' ', loc) && !std::isspace('x', loc) && std::isalpha('q', loc) && std::isdigit('7', loc) && std::ispunct('!', loc) && !std::isalpha('\xe9', loc), "ctype classic");
  expect(std::toupper('q', loc) == 'Q' && std::tolower('Z', loc) == 'z', "ctype case");
  std::locale named("C");
  expect(std::isupper('A', named) && std::use_facet<std::numpunct<char>>(named).decimal_point() == '.', "named C locale");
  std::wstring ws = L"wide"; std::wostringstream wos; wos << ws << 42;
  expect(wos.str() == L"wide42", "wide streams");
  char buf[32]; auto r = std::to_chars(buf, buf + 32, 0.1); *r.ptr = 0;
  double back = 0; std::from_chars(buf, r.ptr, back);
  expect(std::string(buf) == "0.1" && back == 0.1, "charconv");
  int sum = 0; std::mutex mu; std::condition_variable cv; int ready = 0;
  std::vector<std::thread> ts;
  for (int i = 1; i <= 8; ++i) ts.emplace_back([&, i] { use_tls(); std::lock_guard g(mu); sum += i; ++ready; cv.notify_one(); });
  { std::unique_lock l(mu); cv.wait_for(l, std::chrono::seconds(5), [&] { return ready == 8; }); }
  for (auto &t : ts) t.join();
  expect(sum == 36 && tls_destroyed == 8, "threads, thread_local destructors");
  auto fut = std::async(std::launch::async, [] { throw std::logic_error("from thread"); return 1; });
  try { fut.get(); expect(false, "future rethrows"); } catch (const std::logic_error &e) { expect(std::string(e.what()) == "from thread", "future exception"); }
  std::random_device rd; std::mt19937 gen(rd()); expect(std::uniform_int_distribution<int>(1, 6)(gen) >= 1, "random_device");
  auto sp = std::make_shared<std::string>("shared"); std::weak_ptr<std::string> wp = sp; expect(wp.lock() && *wp.lock() == "shared", "shared_ptr");
  std::cout << (fails ? "FAILED" : "cxx ok") << std::endl;
  return fails != 0;
}
