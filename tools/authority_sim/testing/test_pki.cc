#include "test_pki.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace shiming::authority_sim::testing {
namespace {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter>;
using Cert = std::unique_ptr<X509, Deleter>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

Key new_key() {
  Key k(EVP_EC_gen("P-256"));
  check(k != nullptr, "EC key generation");
  return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Signs a certificate for `key` with `issuer_key` (self-signed when issuer is null).
Cert make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key,
               bool ca, bool server, long not_before_days, long not_after_days, long serial) {
  Cert c(X509_new());
  X509_set_version(c.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), not_before_days * 86400L);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), not_after_days * 86400L);
  X509_set_pubkey(c.get(), key);
  X509_NAME* name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Shiming Test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* iss = issuer ? issuer : c.get();
  X509_set_issuer_name(c.get(), X509_get_subject_name(iss));
  if (ca) {
    add_ext(c.get(), iss, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(c.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(c.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(c.get(), iss, NID_key_usage, "critical,digitalSignature");
    add_ext(c.get(), iss, NID_ext_key_usage, server ? "serverAuth" : "clientAuth");
    if (server) add_ext(c.get(), iss, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  }
  add_ext(c.get(), iss, NID_subject_key_identifier, "hash");
  check(X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "sign");
  return c;
}

std::string pem(X509* c) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, c);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string s(data, static_cast<std::size_t>(n));
  BIO_free(b);
  return s;
}

std::string pem(EVP_PKEY* k) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string s(data, static_cast<std::size_t>(n));
  BIO_free(b);
  return s;
}

}  // namespace

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
  out.close();
  ::chmod(path.c_str(), 0600);
}

TestPki TestPki::create(const std::string& dir) {
  std::filesystem::create_directories(dir);
  TestPki p;
  p.dir = dir;
  auto f = [&](const char* name) { return dir + "/" + name; };

  Key ca_key = new_key();
  Cert ca = make_cert(ca_key.get(), "Shiming Test Authority CA", nullptr, nullptr, true, false, -1, 3650, 1);
  p.ca_cert = f("ca.pem");
  write_file(p.ca_cert, pem(ca.get()));

  auto leaf = [&](const char* cn, bool server, long from, long to, long serial, std::string& cert_path,
                  std::string& key_path, const char* stem, X509* issuer, EVP_PKEY* issuer_key) {
    Key k = new_key();
    Cert c = make_cert(k.get(), cn, issuer, issuer_key, false, server, from, to, serial);
    cert_path = f((std::string(stem) + ".pem").c_str());
    key_path = f((std::string(stem) + ".key").c_str());
    write_file(cert_path, pem(c.get()));
    write_file(key_path, pem(k.get()));
  };
  leaf("localhost", true, -1, 825, 2, p.server_cert, p.server_key, "server", ca.get(), ca_key.get());
  leaf("localhost", true, -30, -1, 3, p.expired_server_cert, p.expired_server_key, "expired-server",
       ca.get(), ca_key.get());
  leaf("shiming-test-province", false, -1, 825, 4, p.client_cert, p.client_key, "client", ca.get(),
       ca_key.get());
  leaf("shiming-other-province", false, -1, 825, 5, p.other_client_cert, p.other_client_key,
       "other-client", ca.get(), ca_key.get());

  Key rogue_key = new_key();
  Cert rogue = make_cert(rogue_key.get(), "Rogue CA", nullptr, nullptr, true, false, -1, 3650, 6);
  leaf("shiming-test-province", false, -1, 825, 7, p.rogue_client_cert, p.rogue_client_key,
       "rogue-client", rogue.get(), rogue_key.get());
  return p;
}

}  // namespace shiming::authority_sim::testing
