// Throughput of the ID number checks: the library's check() and the verifier loaded from the
// real libid_number.so (as the host's worker pool calls it).
//   id_check_bench [COUNT] [PLUGIN_DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/dll/shared_library.hpp>

#include "shiming/idnumber/id_number.h"
#include "shiming/sdk/testing/fakes.h"

namespace {

using namespace std::chrono;
using namespace shiming;

// Deterministic mix: known, retired and unknown regions, 15- and 18-digit numbers, and about one
// in eight numbers with a wrong check character.
std::vector<std::string> make_numbers(std::size_t n) {
  const char* regions[] = {"110105", "310115", "440305", "110103", "440401", "510107",
                           "810000", "650102", "320583", "990000", "441282", "330106"};
  std::vector<std::string> out;
  out.reserve(n);
  std::uint32_t x = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    year_month_day birth{sys_days{year{1940} / 1 / 1} + days(x % 29000)};
    char body[32];
    std::snprintf(body, sizeof body, "%s%04d%02u%02u%03u", regions[(x >> 8) % 12],
                  static_cast<int>(birth.year()), static_cast<unsigned>(birth.month()),
                  static_cast<unsigned>(birth.day()), (x >> 12) % 1000);
    std::string s(body);
    if ((x >> 20) % 10 == 0) {
      s = s.substr(0, 6) + s.substr(8, 9);  // legacy 15-digit form
    } else {
      char c = idnumber::check_character(s);
      if ((x >> 24) % 8 == 0) c = c == '0' ? '1' : '0';
      s += c;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1'000'000;
  std::string plugin_dir = argc > 2 ? argv[2] : SHIMING_PLUGIN_DIR;
  auto numbers = make_numbers(count);

  idnumber::Options options;
  options.today = year_month_day{year{2026} / 5 / 23};
  std::size_t valid = 0;
  auto t0 = steady_clock::now();
  for (const auto& n : numbers) valid += idnumber::check(n, options).valid;
  double lib_s = duration<double>(steady_clock::now() - t0).count();
  std::printf("library check(): %zu numbers in %.3f s = %.0f/s (%.0f ns each), %zu valid\n", count,
              lib_s, count / lib_s, lib_s * 1e9 / count, valid);

  auto lib = std::make_shared<boost::dll::shared_library>(plugin_dir + "/libid_number.so");
  sdk::testing::FakeHost host;
  nlohmann::json config = nlohmann::json::object();
  auto created = lib->get_alias<sdk::PluginCreateResult(const sdk::PluginInit&)>(
      "shiming_plugin_create")(sdk::PluginInit{config, host});
  if (!created.ok()) {
    std::fprintf(stderr, "cannot create the plugin: %s\n", created.error().message.c_str());
    return 1;
  }
  sdk::Verifier* verifier = (*created)->as_verifier();
  sdk::testing::FakeVerificationContext ctx;
  ctx.clock_.set(sys_days{year{2026} / 5 / 23});
  std::size_t passed = 0, n_plugin = count / 10 ? count / 10 : 1;
  t0 = steady_clock::now();
  for (std::size_t i = 0; i < n_plugin; ++i) {
    ctx.subject_.identity.id_number = numbers[i];
    passed += verifier->verify(ctx).outcome == sdk::Outcome::pass;
    if (ctx.logger_.lines.size() > 1000) ctx.logger_.lines.clear();
  }
  double so_s = duration<double>(steady_clock::now() - t0).count();
  std::printf("verifier via libid_number.so: %zu cases in %.3f s = %.0f/s (%.1f us each), %zu pass\n",
              n_plugin, so_s, n_plugin / so_s, so_s * 1e6 / n_plugin, passed);
  created->reset();
  return 0;
}
