#pragma once

#include <gtest/gtest.h>

#include "overseas_channel.h"
#include "shiming/sdk/testing/fakes.h"

namespace shiming::overseas::testing {

inline nlohmann::json live_settings() {
  return {{"embassy_certificate_required", true},
          {"video_verification", "live_or_recorded"},
          {"video_slots",
           {{{"start", "2026-04-10T09:00:00+08:00"}, {"minutes", 30}, {"capacity", 1}},
            {{"start", "2026-04-10T10:00:00+08:00"}, {"minutes", 30}, {"capacity", 2}},
            {{"start", "2026-01-10T10:00:00+08:00"}}}}};
}

inline nlohmann::json open_body() {
  return {{"province", "beijing"}, {"exam_session", "2026-05"}, {"name", "张三"},
          {"id_number", "11010519491231002X"}, {"sex", "F"}, {"phone", "+14155550100"},
          {"passport_number", "E12345678"}, {"surname", "Zhang"}, {"given_names", "San"},
          {"nationality", "CHN"}, {"birth", "1949-12-31"}, {"utc_offset", "-07:00"}};
}

struct ChannelFixture : ::testing::Test {
  sdk::testing::FakeHost host;
  nlohmann::json config = nlohmann::json::object();
  std::unique_ptr<OverseasChannel> channel;
  void SetUp() override {
    host.settings[{"beijing", "overseas"}] = live_settings();
    host.fake_clock().set(std::chrono::sys_days{std::chrono::year{2026} / 3 / 1});
    channel = std::make_unique<OverseasChannel>(sdk::PluginInit{config, host});
  }
  sdk::HttpResponse call(const std::string& route, const std::string& method, nlohmann::json body,
                         sdk::Actor actor, std::map<std::string, std::string> params = {},
                         std::map<std::string, std::string> query = {}) {
    sdk::HttpRequest r;
    r.method = method;
    r.body = body.is_null() ? "" : body.dump();
    r.actor = std::move(actor);
    r.params = std::move(params);
    r.query = std::move(query);
    return channel->handle(route, r);
  }
  nlohmann::json json_of(const sdk::HttpResponse& r) { return nlohmann::json::parse(r.body); }
  std::string open_case() {
    auto r = call("open", "POST", open_body(), {"anonymous", "", "", ""});
    EXPECT_EQ(r.status, 201) << r.body;
    return json_of(r)["case_id"];
  }
  sdk::Actor citizen(const std::string& id) { return {"citizen", id, "", "citizen"}; }
  sdk::Actor reviewer(const std::string& province = "beijing") { return {"reviewer", "u-7", province, "reviewer u-7"}; }
};

}  // namespace shiming::overseas::testing
