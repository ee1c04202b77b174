#include "rules/rules_registry.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "plugin_stand_ins.h"
#include "temp_rules_dir.h"

namespace shiming::rules {
namespace {

const char* kAlpha = "code: alpha\nname: 甲省\nname_en: Alpha\nregion_code: \"11\"\n"
                     "channels:\n  online:\n    enabled: true\n    pipeline: [{verifier: id_number}]\n";

TEST(RulesRegistry, StartsEmptyThenLoads) {
  testing::TempRulesDir dir;
  dir.write("alpha.yaml", kAlpha);
  auto plugins = testing::sample_plugins();
  RulesRegistry registry(dir.dir(), plugins.lookup());
  ASSERT_NE(registry.current(), nullptr);
  EXPECT_TRUE(registry.current()->codes().empty());
  EXPECT_EQ(registry.current()->generation(), 0u);
  ReloadResult r = registry.reload();
  ASSERT_TRUE(r.ok) << format_diagnostics(r.diagnostics);
  EXPECT_EQ(r.generation, 1u);
  EXPECT_EQ(r.provinces, 1u);
  EXPECT_NE(registry.current()->province("alpha"), nullptr);
}

TEST(RulesRegistry, FailedReloadKeepsTheOldRulesAndInFlightSnapshots) {
  testing::TempRulesDir dir;
  dir.write("alpha.yaml", kAlpha);
  auto plugins = testing::sample_plugins();
  RulesRegistry registry(dir.dir(), plugins.lookup());
  ASSERT_TRUE(registry.reload().ok);
  std::shared_ptr<const RulesSnapshot> in_flight = registry.current();

  // A new province with an error, and a change to alpha: nothing of it may apply.
  dir.write("alpha.yaml", std::string(kAlpha) + "identity: {min_age: 18}\n");
  std::string beta = dir.write("beta.yaml", "code: beta\nname: 乙\nname_en: Beta\nregion_code: \"12\"\n"
                                            "channels:\n  online:\n    enabled: true\n"
                                            "    pipeline: [{verifier: face_match}]\n");
  ReloadResult bad = registry.reload();
  EXPECT_FALSE(bad.ok);
  ASSERT_EQ(bad.diagnostics.size(), 1u);
  EXPECT_EQ(bad.diagnostics[0].where.file, beta);
  EXPECT_EQ(bad.diagnostics[0].where.line, 8);
  EXPECT_EQ(bad.generation, 1u);
  EXPECT_EQ(registry.current(), in_flight);  // the same snapshot, untouched
  EXPECT_EQ(registry.current()->province("alpha")->identity.min_age, 0);
  EXPECT_EQ(registry.current()->province("beta"), nullptr);
  nlohmann::json j = bad.to_json();
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["diagnostics"][0]["line"], 8);

  // Fixed: the new set swaps in; the old snapshot stays valid for its holder.
  dir.write("beta.yaml", "code: beta\nname: 乙\nname_en: Beta\nregion_code: \"12\"\n"
                         "channels:\n  online:\n    enabled: true\n    pipeline: [{verifier: id_number}]\n");
  ReloadResult good = registry.reload();
  ASSERT_TRUE(good.ok) << format_diagnostics(good.diagnostics);
  EXPECT_EQ(good.generation, 2u);
  EXPECT_EQ(good.provinces, 2u);
  EXPECT_NE(registry.current(), in_flight);
  EXPECT_EQ(registry.current()->province("alpha")->identity.min_age, 18);
  EXPECT_EQ(in_flight->province("alpha")->identity.min_age, 0);
  EXPECT_EQ(in_flight->province("beta"), nullptr);
  EXPECT_EQ(in_flight->generation(), 1u);
}

TEST(RulesRegistry, ConcurrentReadersDuringReloads) {
  testing::TempRulesDir dir;
  dir.write("alpha.yaml", kAlpha);
  auto plugins = testing::sample_plugins();
  RulesRegistry registry(dir.dir(), plugins.lookup());
  ASSERT_TRUE(registry.reload().ok);
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0}, bad_reads{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        auto s = registry.current();
        const ProvinceRules* p = s->province("alpha");
        if (!p || p->enabled_channel("online") == nullptr) ++bad_reads;
        ++reads;
      }
    });
  }
  while (reads < 2) std::this_thread::yield();  // both readers are running
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(registry.reload().ok);
  long before = reads;
  while (reads < before + 2) std::this_thread::yield();  // and read the newest snapshot too
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad_reads, 0);
  EXPECT_GT(reads, 0);
  EXPECT_EQ(registry.current()->generation(), 21u);
}

}  // namespace
}  // namespace shiming::rules
