#include "shiming/face/face_descriptor.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <dlib/dnn.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>
#include <nlohmann/json.hpp>

#include "shiming/face/face_error.h"

namespace shiming::face {
namespace {

// dlib's dnn_face_recognition_ex.cpp network, verbatim.
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = dlib::add_prev1<block<N, BN, 1, dlib::tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down =
    dlib::add_prev2<dlib::avg_pool<2, 2, 2, 2, dlib::skip1<dlib::tag2<block<N, BN, 2, dlib::tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<dlib::con<N, 3, 3, 1, 1, dlib::relu<BN<dlib::con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET> using ares = dlib::relu<residual<block, N, dlib::affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = dlib::relu<residual_down<block, N, dlib::affine, SUBNET>>;
template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;
using anet_type = dlib::loss_metric<dlib::fc_no_bias<
    128, dlib::avg_pool_everything<alevel0<alevel1<alevel2<alevel3<alevel4<dlib::max_pool<
             3, 3, 2, 2,
             dlib::relu<dlib::affine<dlib::con<32, 7, 7, 2, 2, dlib::input_rgb_image_sized<150>>>>>>>>>>>>>;

// The face-api names of the 29 convolution + scale pairs, input to output.
std::vector<std::string> conv_names() {
  std::vector<std::string> out = {"conv32_down"};
  auto add_block = [&](const std::string& name) {
    out.push_back(name + "/conv1");
    out.push_back(name + "/conv2");
  };
  for (const char* n : {"conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2",
                        "conv64_3", "conv128_down", "conv128_1", "conv128_2", "conv256_down",
                        "conv256_1", "conv256_2", "conv256_down_out"}) {
    add_block(n);
  }
  return out;
}

struct Slot {
  enum Kind { conv, affine, fc } kind;
  dlib::tensor* params = nullptr;
  dlib::affine_* affine_layer = nullptr;
  long filters = 0, rows = 0, cols = 0;
};

struct Collector {
  std::vector<Slot>* slots;
  bool reset_affine = false;
  template <long N, long R, long C, int SY, int SX, int PY, int PX>
  void operator()(dlib::con_<N, R, C, SY, SX, PY, PX>& l) const {
    if (!reset_affine) slots->push_back({Slot::conv, &l.get_layer_params(), nullptr, N, R, C});
  }
  void operator()(dlib::affine_& l) const {
    if (reset_affine) l = dlib::affine_(dlib::CONV_MODE);
    else slots->push_back({Slot::affine, nullptr, &l, 0, 0, 0});
  }
  template <unsigned long N, dlib::fc_bias_mode B>
  void operator()(dlib::fc_<N, B>& l) const {
    if (!reset_affine) slots->push_back({Slot::fc, &l.get_layer_params(), nullptr, long(N), 0, 0});
  }
  template <class T>
  void operator()(T&) const {}
};

struct Tensor {
  std::vector<long> shape;
  std::vector<float> values;
};

sdk::Error invalid(const std::string& what) {
  return face_error("FACE_MODEL_INVALID", "Face descriptor weights are invalid: " + what,
                    "人脸特征模型文件无效。");
}

sdk::Result<std::map<std::string, Tensor>> read_weights(const std::filesystem::path& dir) {
  auto manifest_path = dir / "face_recognition_model-weights_manifest.json";
  std::ifstream mf(manifest_path);
  if (!mf) {
    return face_error("FACE_MODEL_MISSING",
                      "Face descriptor weights not found in " + dir.string() +
                          " (run scripts/fetch-face-model.sh).",
                      "未找到人脸特征模型文件。");
  }
  nlohmann::json manifest = nlohmann::json::parse(mf, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_array()) return invalid("manifest is not a JSON array");
  std::map<std::string, Tensor> out;
  for (const auto& group : manifest) {
    std::string bytes;
    for (const auto& p : group.value("paths", nlohmann::json::array())) {
      std::ifstream bf(dir / p.get<std::string>(), std::ios::binary);
      if (!bf) return face_error("FACE_MODEL_MISSING", "Missing weights shard " + p.get<std::string>(),
                                 "人脸特征模型文件缺失。");
      bytes.append(std::istreambuf_iterator<char>(bf), {});
    }
    std::size_t offset = 0;
    for (const auto& w : group.value("weights", nlohmann::json::array())) {
      Tensor t;
      std::size_t count = 1;
      for (const auto& d : w.at("shape")) {
        t.shape.push_back(d.get<long>());
        count *= d.get<std::size_t>();
      }
      t.values.resize(count);
      std::string name = w.at("name").get<std::string>();
      if (w.contains("quantization")) {
        const auto& q = w["quantization"];
        if (q.value("dtype", "") != "uint8") return invalid(name + ": unsupported quantisation");
        double scale = q.at("scale").get<double>(), min = q.at("min").get<double>();
        if (offset + count > bytes.size()) return invalid(name + ": data is cut short");
        for (std::size_t i = 0; i < count; ++i) {
          t.values[i] = float(static_cast<unsigned char>(bytes[offset + i]) * scale + min);
        }
        offset += count;
      } else {
        if (w.value("dtype", "") != "float32") return invalid(name + ": unsupported dtype");
        if (offset + 4 * count > bytes.size()) return invalid(name + ": data is cut short");
        std::memcpy(t.values.data(), bytes.data() + offset, 4 * count);
        offset += 4 * count;
      }
      out[name] = std::move(t);
    }
  }
  return out;
}

}  // namespace

double descriptor_distance(const FaceDescriptor& a, const FaceDescriptor& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    double d = double(a[i]) - b[i];
    s += d * d;
  }
  return std::sqrt(s);
}

struct FaceDescriptorNet::Impl {
  mutable std::mutex mu;
  mutable anet_type net;
};

FaceDescriptorNet::FaceDescriptorNet() : impl_(std::make_unique<Impl>()) {}
FaceDescriptorNet::~FaceDescriptorNet() = default;

sdk::Result<std::unique_ptr<FaceDescriptorNet>> FaceDescriptorNet::load(const std::string& model_dir,
                                                                        DescriptorInputScale scale) {
  auto weights = read_weights(model_dir);
  if (!weights) return weights.error();
  std::unique_ptr<FaceDescriptorNet> self(new FaceDescriptorNet());
  anet_type& net = self->impl_->net;

  // Affine layers per channel, then one forward pass so every layer allocates its parameters.
  dlib::visit_computational_layers(net, Collector{nullptr, true});
  dlib::matrix<dlib::rgb_pixel> blank(150, 150);
  dlib::assign_all_pixels(blank, dlib::rgb_pixel(0, 0, 0));
  (void)net(blank);

  std::vector<Slot> slots;
  dlib::visit_computational_layers(net, Collector{&slots, false});
  std::reverse(slots.begin(), slots.end());  // dlib visits output first
  const auto names = conv_names();
  if (slots.size() != names.size() * 2 + 1) return invalid("network layout mismatch");

  auto take = [&](const std::string& name, std::size_t expect) -> sdk::Result<const Tensor*> {
    auto it = weights->find(name);
    if (it == weights->end()) return invalid("tensor " + name + " is missing");
    if (it->second.values.size() != expect) {
      return invalid("tensor " + name + " has " + std::to_string(it->second.values.size()) +
                     " values, " + std::to_string(expect) + " expected");
    }
    return &it->second;
  };

  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string prefix = names[i] == "conv32_down" ? "conv32_down" : names[i];
    Slot& conv = slots[2 * i];
    Slot& aff = slots[2 * i + 1];
    if (conv.kind != Slot::conv || aff.kind != Slot::affine) return invalid("layer order mismatch");
    const long nf = conv.filters, nr = conv.rows, nc = conv.cols;
    const long nk = (long(conv.params->size()) - nf) / (nf * nr * nc);
    auto filters = take(prefix + "/conv/filters", std::size_t(nr * nc * nk * nf));
    if (!filters) return filters.error();
    auto bias = take(prefix + "/conv/bias", std::size_t(nf));
    if (!bias) return bias.error();
    auto gamma = take(prefix + "/scale/weights", std::size_t(nf));
    if (!gamma) return gamma.error();
    auto beta = take(prefix + "/scale/biases", std::size_t(nf));
    if (!beta) return beta.error();

    // tfjs filters are [rows][cols][in][out]; dlib's are [out][in][rows][cols], then biases.
    float* p = conv.params->host();
    const float input_gain = (i == 0 && scale == DescriptorInputScale::faceapi) ? 256.0f / 255.0f : 1.0f;
    const auto& fv = (*filters)->values;
    for (long r = 0; r < nr; ++r)
      for (long c = 0; c < nc; ++c)
        for (long k = 0; k < nk; ++k)
          for (long o = 0; o < nf; ++o)
            p[((o * nk + k) * nr + r) * nc + c] = fv[((r * nc + c) * nk + k) * nf + o] * input_gain;
    for (long o = 0; o < nf; ++o) p[nf * nk * nr * nc + o] = (*bias)->values[o];

    // affine_ keeps its parameters private: rebuild it through its own serialisation format.
    dlib::resizable_tensor params;
    params.set_size(2 * nf);
    float* ap = params.host();
    for (long o = 0; o < nf; ++o) {
      ap[o] = (*gamma)->values[o];
      ap[nf + o] = (*beta)->values[o];
    }
    std::stringstream ss;
    dlib::serialize(std::string("affine_2"), ss);
    dlib::serialize(params, ss);
    dlib::serialize(dlib::alias_tensor(1, nf), ss);
    dlib::serialize(dlib::alias_tensor(1, nf), ss);
    dlib::serialize(int(dlib::CONV_MODE), ss);
    dlib::serialize(false, ss);
    std::istream& in = ss;
    deserialize(*aff.affine_layer, in);  // a hidden friend: found by ADL only
  }
  Slot& fc = slots.back();
  if (fc.kind != Slot::fc) return invalid("fc layer missing");
  auto fcw = take("fc", fc.params->size());
  if (!fcw) return fcw.error();
  // Both store [inputs][outputs] row-major.
  std::copy((*fcw)->values.begin(), (*fcw)->values.end(), fc.params->host());
  return self;
}

cv::Mat FaceDescriptorNet::align(const cv::Mat& bgr, const FaceLandmarks& lm) {
  // dlib's full_object_detection holds integer points: fit the chip on the landmarks scaled by
  // kSub so their sub-pixel positions count (a small face's chip otherwise shifts and turns by
  // the rounding), then scale the chip's rectangle back. The fit is a similarity, so scaling every
  // point scales its rectangle's centre and size and keeps its angle.
  constexpr double kSub = 16;
  std::vector<dlib::point> parts;
  double minx = 1e18, miny = 1e18, maxx = -1e18, maxy = -1e18;
  for (const auto& p : lm.points) {
    const double x = p.x * kSub, y = p.y * kSub;
    parts.emplace_back(long(std::lround(x)), long(std::lround(y)));
    minx = std::min(minx, x); miny = std::min(miny, y);
    maxx = std::max(maxx, x); maxy = std::max(maxy, y);
  }
  dlib::full_object_detection shape(
      dlib::rectangle(long(minx), long(miny), long(maxx), long(maxy)), parts);
  dlib::chip_details details = dlib::get_face_chip_details(shape, 150, 0.25);
  const dlib::drectangle r = details.rect;
  details.rect = dlib::centered_drect(dlib::dcenter(r) / kSub, r.width() / kSub, r.height() / kSub);
  cv::Mat src = bgr.isContinuous() ? bgr : bgr.clone();
  dlib::cv_image<dlib::bgr_pixel> img(src);
  dlib::matrix<dlib::bgr_pixel> chip;
  dlib::extract_image_chip(img, details, chip);
  cv::Mat out(150, 150, CV_8UC3);
  for (long r = 0; r < 150; ++r)
    for (long c = 0; c < 150; ++c) {
      const auto& px = chip(r, c);
      out.at<cv::Vec3b>(int(r), int(c)) = cv::Vec3b(px.blue, px.green, px.red);
    }
  return out;
}

FaceDescriptor FaceDescriptorNet::compute_chip(const cv::Mat& chip_bgr) const {
  if (chip_bgr.rows != 150 || chip_bgr.cols != 150 || chip_bgr.type() != CV_8UC3) {
    throw std::invalid_argument("compute_chip needs a 150x150 8-bit BGR chip");
  }
  dlib::matrix<dlib::rgb_pixel> img(150, 150);
  for (int r = 0; r < 150; ++r)
    for (int c = 0; c < 150; ++c) {
      const auto& v = chip_bgr.at<cv::Vec3b>(r, c);
      img(r, c) = dlib::rgb_pixel(v[2], v[1], v[0]);
    }
  dlib::matrix<float, 0, 1> d;
  {
    std::lock_guard lock(impl_->mu);
    d = impl_->net(img);
  }
  FaceDescriptor out{};
  for (long i = 0; i < 128 && i < d.size(); ++i) out[std::size_t(i)] = d(i);
  return out;
}

}  // namespace shiming::face
