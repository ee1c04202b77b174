// idcard_ocr_bench [--count N] [--seed S] [--max-mp MP] [--baseline-count M] [--no-baseline] [--verbose]
//                  [--save-misses DIR] [--cache DIR] [--cards I,J,...]
//
// --verbose prints each missed field with every field read from that card and the reasons;
// --cache DIR keeps the generated photos (per seed and size) so that runs after the first skip
// the generation; --cards scores only the listed card numbers (of the same generated set).
//
// Generates N cards (both sides, difficulty cycling 0..3), reads them with the idcard_ocr
// reader on one thread, and prints per field (as the verifier reports them: both sides merged by
// cross_check) the exact-match rate, the address character
// accuracy, per-side latency p50/p95 and peak RSS; then the same measures for the plain
// `tesseract PHOTO stdout -l chi_sim` command on the whole photo for the first M cards (a field
// counts as read when its printed text appears in the output, spaces removed; dates in their
// printed form).
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "shiming/idcard_ocr/card_generator.h"
#include "shiming/idcard_ocr/idcard_ocr.h"
#include "shiming/idcard_ocr/text_rules.h"

using namespace shiming::idcard_ocr;
using Clock = std::chrono::steady_clock;

namespace {

const std::vector<std::string> kFrontFields = {"name", "sex", "ethnicity", "birth", "address", "id_number"};
const std::vector<std::string> kBackFields = {"issuing_authority", "valid_from", "valid_to"};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))];
}

// CPU time of the whole process (all threads), so work in library threads is counted.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

long peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

// Smallest edit distance between `needle` and any substring of `hay` (code points).
int substring_distance(const std::string& needle, const std::string& hay) {
  auto a = utf8_code_points(needle), b = utf8_code_points(hay);
  std::vector<int> prev(b.size() + 1, 0), cur(b.size() + 1);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return *std::min_element(prev.begin(), prev.end());
}

std::string strip_spaces(const std::string& s) {
  std::string out;
  for (const auto& cp : utf8_code_points(s))
    if (cp != " " && cp != "\n" && cp != "\t" && cp != "\xE3\x80\x80") out += cp;
  return out;
}

std::string printed_birth(const std::string& iso) {  // 1990-01-05 -> 1990年1月5日
  return iso.substr(0, 4) + "年" + std::to_string(std::stoi(iso.substr(5, 2))) + "月" +
         std::to_string(std::stoi(iso.substr(8, 2))) + "日";
}
std::string printed_date(const std::string& iso) {  // 2015-03-01 -> 2015.03.01
  if (iso == "长期") return iso;
  return iso.substr(0, 4) + "." + iso.substr(5, 2) + "." + iso.substr(8, 2);
}

struct Tally {
  std::map<std::string, int> exact;
  std::map<std::string, int> total;
  double address_acc_sum = 0;
  int address_n = 0;
  std::vector<double> front_ms, back_ms;          // wall clock
  std::vector<double> front_cpu_ms, back_cpu_ms;  // CPU time of the process (other load excluded)
  std::map<std::string, int> reasons;
};

void print_tally(const char* title, const Tally& t, std::size_t cards) {
  std::cout << "\n== " << title << " (" << cards << " cards)\n";
  for (const auto& f : kFrontFields) {
    if (!t.total.count(f)) continue;
    std::cout << "  " << std::left << std::setw(18) << f << std::right << std::fixed << std::setprecision(2)
              << std::setw(7) << 100.0 * (t.exact.count(f) ? t.exact.at(f) : 0) / t.total.at(f) << " % exact\n";
  }
  for (const auto& f : kBackFields) {
    if (!t.total.count(f)) continue;
    std::cout << "  " << std::left << std::setw(18) << f << std::right << std::fixed << std::setprecision(2)
              << std::setw(7) << 100.0 * (t.exact.count(f) ? t.exact.at(f) : 0) / t.total.at(f) << " % exact\n";
  }
  if (t.address_n)
    std::cout << "  address char acc  " << std::fixed << std::setprecision(2) << std::setw(7)
              << 100.0 * t.address_acc_sum / t.address_n << " %\n";
  std::cout << "  latency front     p50 " << std::setprecision(0) << percentile(t.front_ms, 0.5) << " ms, p95 "
            << percentile(t.front_ms, 0.95) << " ms\n";
  std::cout << "  latency back      p50 " << percentile(t.back_ms, 0.5) << " ms, p95 " << percentile(t.back_ms, 0.95)
            << " ms\n";
  if (!t.front_cpu_ms.empty()) {
    std::cout << "  cpu front         p50 " << percentile(t.front_cpu_ms, 0.5) << " ms, p95 "
              << percentile(t.front_cpu_ms, 0.95) << " ms\n";
    std::cout << "  cpu back          p50 " << percentile(t.back_cpu_ms, 0.5) << " ms, p95 "
              << percentile(t.back_cpu_ms, 0.95) << " ms\n";
  }
  for (const auto& [code, n] : t.reasons) std::cout << "  reason " << code << ": " << n << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  int count = 200, baseline_count = 20;
  unsigned long long seed = 20260601;
  double max_mp = 3.0;
  bool verbose = false;
  std::string save_misses, cache_dir;
  std::set<int> only_cards;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) { std::cerr << "missing value after " << a << "\n"; std::exit(2); }
      return argv[++i];
    };
    if (a == "--count") count = std::stoi(next());
    else if (a == "--seed") seed = std::stoull(next());
    else if (a == "--max-mp") max_mp = std::stod(next());
    else if (a == "--baseline-count") baseline_count = std::stoi(next());
    else if (a == "--no-baseline") baseline_count = 0;
    else if (a == "--verbose") verbose = true;
    else if (a == "--save-misses") save_misses = next();
    else if (a == "--cache") cache_dir = next();
    else if (a == "--cards") {
      std::stringstream ss(next());
      for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) only_cards.insert(std::stoi(item));
    } else {
      std::cerr << "usage: idcard_ocr_bench [--count N] [--seed S] [--max-mp MP] [--baseline-count M] [--verbose] "
                   "[--save-misses DIR] [--cache DIR] [--cards I,J,...]\n";
      return 2;
    }
  }
  // One thread: no OpenMP inside Tesseract (read by libgomp at load time, hence the re-exec),
  // no OpenCV worker threads.
  if (const char* omp = std::getenv("OMP_THREAD_LIMIT"); !omp || std::string(omp) != "1") {
    setenv("OMP_THREAD_LIMIT", "1", 1);
    execv("/proc/self/exe", argv);
  }
  cv::setNumThreads(1);
  const std::chrono::year_month_day today{std::chrono::year(2026), std::chrono::month(6), std::chrono::day(1)};
  std::mt19937_64 rng(seed);
  std::filesystem::path tmp = std::filesystem::temp_directory_path() / ("idcard_ocr_bench_" + std::to_string(getpid()));
  std::filesystem::create_directories(tmp);

  struct Card {
    nlohmann::json truth;
    std::vector<std::uint8_t> front, back;
    int difficulty;
  };
  std::vector<Card> cards;
  // Card n depends only on the seed, the size and the cards before it: a cache of a longer run
  // serves a shorter one.
  std::filesystem::path cache;
  if (!cache_dir.empty()) {
    std::ostringstream name;
    name << "seed" << seed << "_mp" << max_mp;
    cache = std::filesystem::path(cache_dir) / name.str();
    std::filesystem::create_directories(cache);
  }
  auto slurp = [](const std::filesystem::path& p, std::vector<std::uint8_t>& out) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !out.empty();
  };
  auto spill = [](const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  };
  bool cached = !cache.empty();
  for (int n = 0; n < count && cached; ++n) {
    Card c;
    std::vector<std::uint8_t> truth;
    const std::string stem = "card_" + std::to_string(n);
    if (!slurp(cache / (stem + ".json"), truth) || !slurp(cache / (stem + "_front.jpg"), c.front) ||
        !slurp(cache / (stem + "_back.jpg"), c.back)) {
      cached = false;
      break;
    }
    c.truth = nlohmann::json::parse(truth.begin(), truth.end());
    c.difficulty = c.truth.value("difficulty", n % 4);
    cards.push_back(std::move(c));
  }
  if (!cached) {
    cards.clear();
    for (int n = 0; n < count; ++n) {
      gen::Identity id = gen::random_identity(rng, today);
      gen::CaptureOptions o;
      o.difficulty = n % 4;
      o.max_megapixels = max_mp;
      Card c;
      c.truth = id.truth_json();
      c.difficulty = o.difficulty;
      c.front = gen::encode_jpeg(gen::photograph(id, gen::render_front, o, rng).image, 92);
      c.back = gen::encode_jpeg(gen::photograph(id, gen::render_back, o, rng).image, 92);
      if (!cache.empty()) {
        const std::string stem = "card_" + std::to_string(n);
        nlohmann::json t = c.truth;
        t["difficulty"] = c.difficulty;
        spill(cache / (stem + ".json"), t.dump());
        spill(cache / (stem + "_front.jpg"), std::string(c.front.begin(), c.front.end()));
        spill(cache / (stem + "_back.jpg"), std::string(c.back.begin(), c.back.end()));
      }
      cards.push_back(std::move(c));
    }
  }
  std::cout << (cached ? "loaded " : "generated ") << count << " cards (seed " << seed << ", up to " << max_mp
            << " MP)" << std::endl;

  // Warm-up: engines are created once per thread, outside the measurement.
  (void)read_side(cards[0].front, Side::front);
  (void)read_side(cards[0].back, Side::back);

  Tally ours;
  std::map<int, std::pair<int, int>> id_by_difficulty;
  for (const auto& c : cards) {
    if (!only_cards.empty() && !only_cards.count(static_cast<int>(&c - cards.data()))) continue;
    // The reader's debug lines (SHIMING_OCR_DEBUG_DIR) of each card follow a line naming it.
    if (std::getenv("SHIMING_OCR_DEBUG_DIR"))
      std::cerr << "bench card #" << (&c - cards.data()) << " name " << c.truth["name"].get<std::string>() << std::endl;
    auto t0 = Clock::now();
    double c0 = thread_cpu_ms();
    SideReading f = read_side(c.front, Side::front);
    auto t1 = Clock::now();
    double c1 = thread_cpu_ms();
    SideReading b = read_side(c.back, Side::back);
    auto t2 = Clock::now();
    double c2 = thread_cpu_ms();
    ours.front_cpu_ms.push_back(c1 - c0);
    ours.back_cpu_ms.push_back(c2 - c1);
    ours.front_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    ours.back_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    for (const auto& r : f.reasons) ours.reasons["front " + r + " (difficulty " + std::to_string(c.difficulty) + ")"]++;
    for (const auto& r : b.reasons) ours.reasons["back " + r + " (difficulty " + std::to_string(c.difficulty) + ")"]++;
    int card_no = static_cast<int>(&c - cards.data());
    // Scored on the fields the verifier reports: both sides merged by cross_check (which also
    // aligns the back's issuing authority with the front's address).
    const CardCheck merged = cross_check(&f, &b, Declared{}, CrossCheckOptions{}, today, today);
    auto score = [&](const SideReading& s, const std::vector<std::string>& keys) {
      bool missed = false;
      for (const auto& k : keys) {
        ours.total[k]++;
        auto it = merged.fields.find(k);
        std::string got = it == merged.fields.end() ? "" : it->second.value;
        if (got == c.truth[k].get<std::string>()) ours.exact[k]++;
        else missed = true;
        if (got != c.truth[k].get<std::string>() && verbose)
          std::cout << "  miss #" << card_no << " d" << c.difficulty << " " << k << ": '" << c.truth[k].get<std::string>() << "' read '"
                    << got << "'" << std::endl;
        if (k == "address") {
          ours.address_acc_sum += char_accuracy(c.truth[k].get<std::string>(), got);
          ours.address_n++;
        }
      }
      if (missed && verbose) {
        std::cout << "    read #" << card_no << " " << (&s == &f ? "front" : "back") << ":";
        for (const auto& [k, v] : s.fields) std::cout << " " << k << "='" << v.value << "' (" << std::setprecision(2) << v.confidence << ")";
        for (const auto& r : s.reasons) std::cout << " reason " << r;
        std::cout << std::endl;
      }
      if (missed && !save_misses.empty()) {
        const auto& bytes = &s == &f ? c.front : c.back;
        std::ofstream(save_misses + "/miss_" + std::to_string(card_no) + (&s == &f ? "_front.jpg" : "_back.jpg"),
                      std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      }
    };
    score(f, kFrontFields);
    score(b, kBackFields);
    auto& d = id_by_difficulty[c.difficulty];
    d.second++;
    if (f.fields.count("id_number") && f.fields.at("id_number").value == c.truth["id_number"]) d.first++;
  }
  print_tally("idcard_ocr", ours, ours.total.count("id_number") ? static_cast<std::size_t>(ours.total.at("id_number")) : 0);
  for (const auto& [d, v] : id_by_difficulty)
    std::cout << "  id_number exact at difficulty " << d << ": " << v.first << "/" << v.second << "\n";
  std::cout << "  peak RSS          " << peak_rss_mb() << " MB\n";

  if (baseline_count > 0) {
    Tally base;
    int m = std::min<int>(baseline_count, static_cast<int>(cards.size()));
    for (int n = 0; n < m; ++n) {
      const auto& c = cards[n];
      std::string text[2];
      for (int side = 0; side < 2; ++side) {
        auto path = tmp / (side == 0 ? "front.jpg" : "back.jpg");
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(side == 0 ? c.front.data() : c.back.data()),
                   static_cast<std::streamsize>(side == 0 ? c.front.size() : c.back.size()));
        std::string cmd = "OMP_THREAD_LIMIT=1 tesseract '" + path.string() + "' stdout -l chi_sim 2>/dev/null";
        auto t0 = Clock::now();
        FILE* p = popen(cmd.c_str(), "r");
        std::string out;
        char buf[4096];
        while (p && fgets(buf, sizeof buf, p)) out += buf;
        if (p) pclose(p);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        (side == 0 ? base.front_ms : base.back_ms).push_back(ms);
        text[side] = strip_spaces(out);
      }
      auto score = [&](const std::string& hay, const std::vector<std::string>& keys) {
        for (const auto& k : keys) {
          base.total[k]++;
          std::string truth = c.truth[k].get<std::string>();
          std::string printed = k == "birth" ? printed_birth(truth)
                                : (k == "valid_from" || k == "valid_to") ? printed_date(truth)
                                                                         : truth;
          if (hay.find(printed) != std::string::npos) base.exact[k]++;
          if (k == "address") {
            double n = std::max<std::size_t>(1, utf8_code_points(truth).size());
            base.address_acc_sum += std::max(0.0, 1.0 - substring_distance(truth, hay) / n);
            base.address_n++;
          }
        }
      };
      score(text[0], kFrontFields);
      score(text[1], kBackFields);
    }
    print_tally("baseline: tesseract -l chi_sim on the whole photo", base, static_cast<std::size_t>(m));
  }
  std::filesystem::remove_all(tmp);
  return 0;
}
