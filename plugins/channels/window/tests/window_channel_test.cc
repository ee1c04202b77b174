// The window channel with the SDK's fakes: booking capacity, double booking, originals,
// receipts (PDF rendered by pdftoppm, token verified).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <shiming/sdk/testing/fakes.h>

#include "shiming/print/signed_token.h"
#include "window_channel.h"

namespace shiming::window {
namespace {

using Json = nlohmann::json;

class WindowChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.settings[{"p1", "window"}] = Json{
        {"required_originals", {"id_card", "diploma"}},
        {"offices", {{{"id", "o1"}, {"name", "一号窗口"}, {"daily_capacity", 4}, {"slots", {"09:00-10:00", "10:00-11:00"}}}}}};
    host_.fake_clock().set(std::chrono::sys_days(std::chrono::year(2026) / 11 / 2) + std::chrono::hours(1));
    channel_ = std::make_unique<WindowChannel>(sdk::PluginInit{config_, host_});
  }
  sdk::HttpResponse call(const std::string& route, Json body, std::map<std::string, std::string> params,
                         sdk::Actor actor = {"anonymous", "", "", ""}) {
    sdk::HttpRequest r;
    r.body = body.is_null() ? "" : body.dump();
    r.params = std::move(params);
    r.actor = actor;
    return channel_->handle(route, r);
  }
  Json booking(const std::string& id_number, const std::string& slot = "09:00-10:00") {
    return {{"office_id", "o1"}, {"date", "2026-11-05"}, {"slot", slot}, {"name", "张三"},
            {"id_number", id_number}, {"phone", "13800000000"}};
  }
  static std::string code(const sdk::HttpResponse& r) { return Json::parse(r.body)["error"].value("code", ""); }

  Json config_ = Json::object();
  sdk::testing::FakeHost host_;
  std::unique_ptr<WindowChannel> channel_;
};

TEST_F(WindowChannelTest, ASlotTakesItsShareOfTheDailyCapacityThenIsFull) {
  EXPECT_EQ(call("book", booking("110105199003070011"), {{"province", "p1"}}).status, 201);
  EXPECT_EQ(call("book", booking("110105199003070038"), {{"province", "p1"}}).status, 201);
  auto full = call("book", booking("110105199003070054"), {{"province", "p1"}});
  EXPECT_EQ(full.status, 409);
  EXPECT_EQ(code(full), "SLOT_FULL");
  EXPECT_EQ(call("book", booking("110105199003070054", "10:00-11:00"), {{"province", "p1"}}).status, 201);
}

TEST_F(WindowChannelTest, TheOfficesListSaysWhatTheCounterWillAskFor) {
  auto listed = call("offices", nullptr, {{"province", "p1"}});
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Json::parse(listed.body)["fingerprint_required"], false);
  EXPECT_EQ(Json::parse(listed.body)["required_originals"][1]["code"], "diploma");
  host_.settings[{"p3", "window"}] = Json{{"fingerprint_required", true},
                                          {"offices", {{{"id", "o3"}, {"name", "三号窗口"}, {"daily_capacity", 2},
                                                        {"slots", {"09:00-10:00"}}}}}};
  listed = call("offices", nullptr, {{"province", "p3"}});
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Json::parse(listed.body)["fingerprint_required"], true);
}

TEST_F(WindowChannelTest, DoubleBookingAndBadInputAreRefused) {
  ASSERT_EQ(call("book", booking("110105199003070011"), {{"province", "p1"}}).status, 201);
  auto again = call("book", booking("110105199003070011", "10:00-11:00"), {{"province", "p1"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(code(again), "APPOINTMENT_EXISTS");
  auto past = booking("110105199003070038");
  past["date"] = "2026-11-01";
  EXPECT_EQ(code(call("book", past, {{"province", "p1"}})), "DATE_OUT_OF_RANGE");
  past["date"] = "2026-02-30";
  EXPECT_EQ(code(call("book", past, {{"province", "p1"}})), "DATE_INVALID");
  auto office = booking("110105199003070038");
  office["office_id"] = "nope";
  EXPECT_EQ(code(call("book", office, {{"province", "p1"}})), "OFFICE_NOT_FOUND");
  EXPECT_EQ(code(call("book", booking("110105199003070038"), {{"province", "p2"}})), "CHANNEL_DISABLED");
  sdk::HttpRequest r;
  r.body = "{not json";
  r.params = {{"province", "p1"}};
  r.actor = {"anonymous", "", "", ""};
  EXPECT_EQ(code(channel_->handle("book", r)), "BODY_NOT_JSON");
}

TEST_F(WindowChannelTest, SubmitNeedsEveryOriginalTheProvinceRequires) {
  auto opened = host_.cases().open({"p1", "window", "2026-11", {"张三", "110105199003070011", "M", "138"}},
                                   {"clerk", "k1", "p1", ""});
  ASSERT_TRUE(opened.ok());
  std::string id = opened->case_id;
  auto settings = *host_.channel_settings("p1", "window");
  auto view = *host_.cases().get(id);
  EXPECT_EQ(channel_->check_submit(view, {"id-front", "id-back", "diploma"}, settings).error().code,
            "ORIGINALS_NOT_RECORDED");
  sdk::Actor clerk{"clerk", "k1", "p1", ""};
  auto rec = call("originals", {{"office_id", "o1"}, {"checked", {"id_card"}}}, {{"id", id}}, clerk);
  ASSERT_EQ(rec.status, 200) << rec.body;
  EXPECT_EQ(Json::parse(rec.body)["missing_originals"], Json::array({"diploma"}));
  auto missing = channel_->check_submit(view, {"id-front", "id-back", "diploma"}, settings);
  EXPECT_EQ(missing.error().code, "MISSING_ORIGINALS");
  EXPECT_EQ(missing.error().field, "diploma");
  ASSERT_EQ(call("originals", {{"office_id", "o1"}, {"checked", {"id_card", "diploma"}}}, {{"id", id}}, clerk).status, 200);
  EXPECT_EQ(channel_->check_submit(view, {"id-front", "id-back"}, settings).error().code, "MISSING_DOCUMENT");
  EXPECT_TRUE(channel_->check_submit(view, {"id-front", "id-back", "diploma"}, settings).ok());
  // A clerk of another province does not see the case.
  EXPECT_EQ(call("originals", {{"office_id", "o1"}, {"checked", {"id_card"}}}, {{"id", id}}, {"clerk", "k2", "p2", ""}).status, 404);
}

TEST_F(WindowChannelTest, ReceiptPdfRendersAndItsTokenVerifies) {
  auto opened = host_.cases().open({"p1", "window", "2026-11", {"张三", "110105199003070011", "M", "138"}},
                                   {"clerk", "k1", "p1", ""});
  std::string id = opened->case_id;
  sdk::Actor clerk{"clerk", "k1", "p1", ""};
  ASSERT_EQ(call("originals", {{"office_id", "o1"}, {"checked", {"id_card", "diploma"}}}, {{"id", id}}, clerk).status, 200);
  EXPECT_EQ(code(call("receipt", nullptr, {{"id", id}}, clerk)), "CASE_NOT_SUBMITTED");
  ASSERT_TRUE(host_.cases().submit(id, clerk).ok());
  sdk::HttpRequest r;
  r.params = {{"id", id}};
  r.query = {{"format", "pdf"}};
  r.actor = clerk;
  auto pdf = channel_->handle("receipt", r);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.content_type, "application/pdf");
  ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  auto dir = std::filesystem::temp_directory_path() / ("shiming-receipt-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "r.pdf", std::ios::binary) << pdf.body;
  ASSERT_EQ(std::system(("pdffonts " + (dir / "r.pdf").string() + " > " + (dir / "fonts.txt").string()).c_str()), 0);
  std::ifstream fonts(dir / "fonts.txt");
  std::string fonts_text((std::istreambuf_iterator<char>(fonts)), {});
  EXPECT_NE(fonts_text.find("CJK"), std::string::npos) << fonts_text;  // the CJK font is embedded
  ASSERT_EQ(std::system(("pdftoppm -r 50 -png " + (dir / "r.pdf").string() + " " + (dir / "page").string()).c_str()), 0);
  EXPECT_TRUE(std::filesystem::exists(dir / "page-1.png"));
  EXPECT_GT(std::filesystem::file_size(dir / "page-1.png"), 2000u);
  std::filesystem::remove_all(dir);

  std::string token;
  for (const auto& [k, v] : pdf.headers) if (k == "X-Receipt-Token") token = v;
  auto v = verify_receipt(token, channel_->receipt_keys().public_key);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ((*v)["case"], id);
  EXPECT_EQ((*v)["id_number"], "110105********0011");
  EXPECT_EQ((*v)["name"], "张*");

  r.query = {{"format", "html"}};
  auto html = channel_->handle("receipt", r);
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("<svg"), std::string::npos);
  EXPECT_NE(html.body.find("110105********0011"), std::string::npos);
  EXPECT_EQ(html.body.find("110105199003070011"), std::string::npos);
  EXPECT_NE(html.body.find("学历证书"), std::string::npos);
}

}  // namespace
}  // namespace shiming::window
