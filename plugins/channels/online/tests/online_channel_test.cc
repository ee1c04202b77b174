// The channel class with the SDK's fakes.
#include "online_channel.h"

#include <gtest/gtest.h>

#include "online_settings.h"
#include "shiming/sdk/testing/fakes.h"

namespace shiming::online {
namespace {

class OnlineChannelTest : public ::testing::Test {
 protected:
  OnlineChannelTest() : init_{config_, host_}, channel_(init_) {
    case_.id = "case-1";
    case_.channel = "online";
    case_.identity.name = "张三";
    case_.identity.id_number = "11010519491231002X";
  }
  const sdk::DocumentPolicy* doc(const std::vector<sdk::DocumentPolicy>& docs, const std::string& kind) {
    for (const auto& d : docs)
      if (d.kind == kind) return &d;
    return nullptr;
  }

  nlohmann::json config_ = nlohmann::json::object();
  sdk::testing::FakeHost host_;
  sdk::PluginInit init_;
  OnlineChannel channel_;
  sdk::CaseView case_;
};

TEST_F(OnlineChannelTest, DefaultDocuments) {
  auto docs = channel_.documents(nlohmann::json::object());
  ASSERT_EQ(docs.size(), 4u);
  for (const char* kind : {"id-front", "id-back"}) {
    const auto* d = doc(docs, kind);
    ASSERT_TRUE(d) << kind;
    EXPECT_TRUE(d->required);
    EXPECT_EQ(d->content_types, (std::vector<std::string>{"image/jpeg", "image/png"}));
    EXPECT_EQ(d->max_bytes, 8u * 1024 * 1024);
    EXPECT_EQ(d->max_pixels, 40'000'000u);
  }
  EXPECT_FALSE(doc(docs, "face")->required);
  const auto* video = doc(docs, "liveness-video");
  ASSERT_TRUE(video);
  EXPECT_FALSE(video->required);
  EXPECT_EQ(video->content_types.front(), "video/x-motion-jpeg");
}

TEST_F(OnlineChannelTest, SettingsShapeTheDocuments) {
  nlohmann::json s = {{"max_upload_bytes", 2 << 20}, {"max_pixels", 12'000'000},
                      {"liveness_required", true}, {"face_required", true}};
  auto docs = channel_.documents(s);
  EXPECT_EQ(doc(docs, "id-front")->max_bytes, 2u << 20);
  EXPECT_EQ(doc(docs, "id-back")->max_pixels, 12'000'000u);
  EXPECT_TRUE(doc(docs, "liveness-video")->required);
  EXPECT_TRUE(doc(docs, "face")->required);
}

TEST_F(OnlineChannelTest, RolesAndSla) {
  EXPECT_EQ(channel_.opener_roles(), std::vector<std::string>{"citizen"});
  EXPECT_EQ(channel_.default_sla_working_days(), 3);
  EXPECT_TRUE(channel_.routes().empty());
}

TEST_F(OnlineChannelTest, SubmitRefusedWhileARequiredDocumentIsMissing) {
  auto st = channel_.check_submit(case_, {"id-front"}, nlohmann::json::object());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "MISSING_DOCUMENT");
  EXPECT_EQ(st.error().field, "id-back");
  EXPECT_NE(st.error().message.find("id-back"), std::string::npos);
  EXPECT_NE(st.error().message_zh.find("身份证国徽面照片"), std::string::npos);

  auto none = channel_.check_submit(case_, {}, nlohmann::json::object());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().field, "id-front");
  EXPECT_NE(none.error().message.find("id-back"), std::string::npos);  // names all missing
}

TEST_F(OnlineChannelTest, SubmitAcceptedWithBothSidesOfTheCard) {
  EXPECT_TRUE(channel_.check_submit(case_, {"id-front", "id-back"}, nlohmann::json::object()).ok());
  EXPECT_TRUE(channel_.check_submit(case_, {"id-back", "face", "id-front"}, nullptr).ok());
}

TEST_F(OnlineChannelTest, LivenessRequiredBySettings) {
  nlohmann::json s = {{"liveness_required", true}};
  auto st = channel_.check_submit(case_, {"id-front", "id-back", "face"}, s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "MISSING_DOCUMENT");
  EXPECT_EQ(st.error().field, "liveness-video");
  EXPECT_NE(st.error().message_zh.find("活体检测视频"), std::string::npos);
  EXPECT_TRUE(channel_.check_submit(case_, {"id-front", "id-back", "liveness-video"}, s).ok());
}

TEST_F(OnlineChannelTest, IdentityMustBeDeclared) {
  case_.identity.id_number.clear();
  auto st = channel_.check_submit(case_, {"id-front", "id-back"}, nlohmann::json::object());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "IDENTITY_INCOMPLETE");
  EXPECT_EQ(st.error().field, "identity.id_number");
}

TEST_F(OnlineChannelTest, BadSettingsAreErrorsNotCrashes) {
  nlohmann::json s = {{"max_upload_bytes", "lots"}};
  auto st = channel_.check_submit(case_, {"id-front", "id-back"}, s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "CHANNEL_SETTINGS_INVALID");
  EXPECT_EQ(st.error().field, "max_upload_bytes");
  EXPECT_THROW(channel_.documents(s), std::invalid_argument);
  EXPECT_FALSE(parse_online_settings({{"max_pixels", 5}}).ok());  // below the minimum
  EXPECT_FALSE(parse_online_settings({{"liveness_required", "yes"}}).ok());
  EXPECT_FALSE(parse_online_settings(nlohmann::json::array()).ok());
}

TEST(OnlineChannelSchema, DeclaresTheSettings) {
  std::vector<std::string> names;
  for (const auto& f : OnlineChannel::rules_schema().fields) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"max_upload_bytes", "max_pixels", "max_video_bytes",
                                             "face_required", "liveness_required"}));
}

}  // namespace
}  // namespace shiming::online
