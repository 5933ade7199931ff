// The C ABI over libtorch declared in include/lambdahat.h.
//
// Every exported body runs inside LH_GUARD, which turns any C++ exception into a thread-local
// message plus the function's sentinel return value: nothing C++ may unwind into the JVM.
#include "lambdahat.h"

#include <torch/torch.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include <torch/script.h>
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/functorch/BatchedFallback.h>
#include <ATen/functorch/BatchedTensorImpl.h>
#include <ATen/functorch/DynamicLayer.h>
#include <torch/csrc/autograd/functions/basic_ops.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/versions.h>

#include <atomic>
#include <cstdlib>
#include <dlfcn.h>
#include <functional>
#include <cstring>
#include <mutex>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct lh_tensor_s { at::Tensor t; };
struct lh_generator_s { at::Generator g; };
struct lh_op_s { c10::OperatorHandle handle; std::string schema_text; };

namespace {

thread_local std::string pending_error;
thread_local bool has_pending_error = false;
std::atomic<int64_t> live_tensors{0};

void set_error(const char* message) {
  // An unread first error is the informative one; later ones are usually its consequences.
  if (has_pending_error) return;
  pending_error = message ? message : "unknown error";
  has_pending_error = true;
}

lh_tensor wrap(at::Tensor t) {
  auto* h = new lh_tensor_s{std::move(t)};
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return h;
}

const at::Tensor& unwrap(lh_tensor h) {
  if (h == nullptr) throw std::invalid_argument("null tensor handle");
  return h->t;
}

at::IntArrayRef dims_of(const int64_t* sizes, int32_t ndim) {
  if (ndim < 0) throw std::invalid_argument("negative number of dimensions");
  if (ndim > 0 && sizes == nullptr) throw std::invalid_argument("null sizes array");
  return at::IntArrayRef(sizes, static_cast<size_t>(ndim));
}

at::TensorOptions options_of(int32_t dtype, int32_t device_type, int32_t device_index) {
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(c10::Device(static_cast<c10::DeviceType>(device_type),
                          static_cast<c10::DeviceIndex>(device_index)));
}

c10::optional<at::Generator> generator_of(lh_generator g) {
  if (g == nullptr) return c10::nullopt;
  return g->g;
}

}  // namespace

#define LH_GUARD(sentinel, ...)                                  \
  try {                                                          \
    __VA_ARGS__                                                  \
  } catch (const c10::Error& e) {                                \
    set_error(e.what_without_backtrace());                       \
  } catch (const std::exception& e) {                            \
    set_error(e.what());                                         \
  } catch (...) {                                                \
    set_error("unknown C++ exception in libtorch");              \
  }                                                              \
  return sentinel;

#define LH_TENSOR_OP(...) LH_GUARD(nullptr, { return wrap(__VA_ARGS__); })
#define LH_STATUS_OP(...) LH_GUARD(-1, { __VA_ARGS__; return 0; })

extern "C" {

// ---- errors ----
const char* lh_last_error(void) { return has_pending_error ? pending_error.c_str() : nullptr; }
void lh_clear_error(void) { has_pending_error = false; pending_error.clear(); }

// ---- library ----

const char* lh_version(void) { return TORCH_VERSION; }

const char* lh_torch_config(void) {
  LH_GUARD(nullptr, {
    static const std::string config = at::show_config();
    return config.c_str();
  })
}

const char* lh_torch_library_path(void) {
  LH_GUARD(nullptr, {
    static const std::string path = [] {
      Dl_info info{};
      // a function of libtorch_cpu: the file the loader actually chose
      if (dladdr(reinterpret_cast<void*>(&at::get_num_threads), &info) == 0 || info.dli_fname == nullptr) return std::string();
      return std::string(info.dli_fname);
    }();
    return path.c_str();
  })
}
int32_t lh_get_num_threads(void) { LH_GUARD(-1, { return at::get_num_threads(); }) }
int32_t lh_set_num_threads(int32_t n) {
  LH_STATUS_OP({
    if (n < 1) throw std::invalid_argument("thread count must be at least 1, got " + std::to_string(n));
    at::set_num_threads(n);
  })
}
int32_t lh_cuda_is_available(void) { LH_GUARD(-1, { return torch::cuda::is_available() ? 1 : 0; }) }
int32_t lh_cuda_device_count(void) { LH_GUARD(-1, { return static_cast<int32_t>(torch::cuda::device_count()); }) }
int32_t lh_cuda_synchronize(int32_t device_index) { LH_STATUS_OP(torch::cuda::synchronize(device_index)) }
int32_t lh_manual_seed(uint64_t seed) { LH_STATUS_OP(torch::manual_seed(seed)) }
int64_t lh_live_tensors(void) { return live_tensors.load(std::memory_order_relaxed); }

// ---- generators ----
lh_generator lh_generator_new(int32_t device_type, int32_t device_index, uint64_t seed) {
  LH_GUARD(nullptr, {
    c10::Device device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index));
    at::Generator g = at::globalContext().defaultGenerator(device).clone();
    {
      std::lock_guard<std::mutex> lock(g.mutex());
      g.set_current_seed(seed);
    }
    return new lh_generator_s{std::move(g)};
  })
}
int32_t lh_generator_set_seed(lh_generator g, uint64_t seed) {
  LH_STATUS_OP({
    if (g == nullptr) throw std::invalid_argument("null generator handle");
    std::lock_guard<std::mutex> lock(g->g.mutex());
    g->g.set_current_seed(seed);
  })
}
int32_t lh_generator_free(lh_generator g) { LH_STATUS_OP(delete g) }

// ---- tensor lifecycle and metadata ----
int32_t lh_tensor_free(lh_tensor t) {
  LH_STATUS_OP({
    if (t != nullptr) {
      delete t;
      live_tensors.fetch_sub(1, std::memory_order_relaxed);
    }
  })
}
lh_tensor lh_tensor_shallow_clone(lh_tensor t) { LH_TENSOR_OP(at::Tensor(unwrap(t))) }
int32_t lh_tensor_dim(lh_tensor t) { LH_GUARD(-1, { return static_cast<int32_t>(unwrap(t).dim()); }) }
int32_t lh_tensor_sizes(lh_tensor t, int64_t* out, int32_t capacity) {
  LH_GUARD(-1, {
    auto sizes = unwrap(t).sizes();
    if (static_cast<int64_t>(sizes.size()) > capacity) throw std::invalid_argument("sizes buffer too small");
    std::copy(sizes.begin(), sizes.end(), out);
    return static_cast<int32_t>(sizes.size());
  })
}
int32_t lh_tensor_strides(lh_tensor t, int64_t* out, int32_t capacity) {
  LH_GUARD(-1, {
    auto strides = unwrap(t).strides();
    if (static_cast<int64_t>(strides.size()) > capacity) throw std::invalid_argument("strides buffer too small");
    std::copy(strides.begin(), strides.end(), out);
    return static_cast<int32_t>(strides.size());
  })
}
int64_t lh_tensor_numel(lh_tensor t) { LH_GUARD(-1, { return unwrap(t).numel(); }) }
int32_t lh_tensor_dtype(lh_tensor t) { LH_GUARD(-1, { return static_cast<int32_t>(unwrap(t).scalar_type()); }) }
int32_t lh_tensor_device(lh_tensor t, int32_t* type, int32_t* index) {
  LH_STATUS_OP({
    auto d = unwrap(t).device();
    *type = static_cast<int32_t>(d.type());
    *index = d.has_index() ? d.index() : -1;
  })
}
int32_t lh_tensor_is_contiguous(lh_tensor t) { LH_GUARD(-1, { return unwrap(t).is_contiguous() ? 1 : 0; }) }
void* lh_tensor_data_ptr(lh_tensor t) { LH_GUARD(nullptr, { return unwrap(t).data_ptr(); }) }

lh_tensor lh_tensor_from_blob(void* data, const int64_t* sizes, int32_t ndim, int32_t dtype) {
  LH_TENSOR_OP(torch::from_blob(data, dims_of(sizes, ndim), options_of(dtype, LH_CPU, -1)))
}
lh_tensor lh_tensor_from_data(const void* data, const int64_t* sizes, int32_t ndim, int32_t dtype,
                              int32_t device_type, int32_t device_index) {
  LH_TENSOR_OP(torch::from_blob(const_cast<void*>(data), dims_of(sizes, ndim), options_of(dtype, LH_CPU, -1))
                   .to(options_of(dtype, device_type, device_index), /*non_blocking=*/false, /*copy=*/true))
}
int32_t lh_tensor_copy_to_host(lh_tensor t, void* dst, int64_t nbytes) {
  LH_STATUS_OP({
    at::Tensor host = unwrap(t).detach().to(at::kCPU).contiguous();
    int64_t have = host.numel() * static_cast<int64_t>(host.element_size());
    if (have != nbytes)
      throw std::invalid_argument("copy_to_host: tensor has " + std::to_string(have) + " bytes, destination " +
                                  std::to_string(nbytes));
    if (nbytes > 0) std::memcpy(dst, host.data_ptr(), static_cast<size_t>(nbytes));
  })
}
int32_t lh_tensor_item_double(lh_tensor t, double* out) { LH_STATUS_OP(*out = unwrap(t).item<double>()) }
int32_t lh_tensor_item_int64(lh_tensor t, int64_t* out) { LH_STATUS_OP(*out = unwrap(t).item<int64_t>()) }

// ---- autograd ----
int32_t lh_tensor_set_requires_grad(lh_tensor t, int32_t flag) {
  LH_STATUS_OP({
    if (t == nullptr) throw std::invalid_argument("null tensor handle");
    t->t.set_requires_grad(flag != 0);
  })
}
int32_t lh_tensor_requires_grad(lh_tensor t) { LH_GUARD(-1, { return unwrap(t).requires_grad() ? 1 : 0; }) }
int32_t lh_tensor_backward(lh_tensor t, lh_tensor grad_output, int32_t retain_graph) {
  LH_STATUS_OP({
    at::Tensor gradient = grad_output == nullptr ? at::Tensor() : grad_output->t;
    unwrap(t).backward(gradient, retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt, false);
  })
}
int32_t lh_tensor_grad(lh_tensor t, lh_tensor* out) {
  LH_STATUS_OP({
    const at::Tensor& g = unwrap(t).grad();
    *out = g.defined() ? wrap(at::Tensor(g)) : nullptr;
  })
}
int32_t lh_tensor_zero_grad(lh_tensor t) {
  LH_STATUS_OP({
    at::Tensor& g = const_cast<at::Tensor&>(unwrap(t)).mutable_grad();
    if (g.defined()) g.zero_();
  })
}
lh_tensor lh_tensor_detach(lh_tensor t) { LH_TENSOR_OP(unwrap(t).detach()) }
int32_t lh_grad_mode_set(int32_t enabled) {
  LH_GUARD(-1, {
    bool previous = c10::GradMode::is_enabled();
    c10::GradMode::set_enabled(enabled != 0);
    return previous ? 1 : 0;
  })
}
int32_t lh_grad_mode_enabled(void) { return c10::GradMode::is_enabled() ? 1 : 0; }

// ---- creation ----
lh_tensor lh_empty(const int64_t* sizes, int32_t ndim, int32_t dtype, int32_t device_type, int32_t device_index) {
  LH_TENSOR_OP(at::empty(dims_of(sizes, ndim), options_of(dtype, device_type, device_index)))
}
lh_tensor lh_full(const int64_t* sizes, int32_t ndim, double value, int32_t dtype, int32_t device_type,
                  int32_t device_index) {
  LH_TENSOR_OP(at::full(dims_of(sizes, ndim), value, options_of(dtype, device_type, device_index)))
}
lh_tensor lh_randn(const int64_t* sizes, int32_t ndim, int32_t dtype, int32_t device_type, int32_t device_index,
                   lh_generator g) {
  LH_TENSOR_OP(at::randn(dims_of(sizes, ndim), generator_of(g), options_of(dtype, device_type, device_index)))
}
lh_tensor lh_rand(const int64_t* sizes, int32_t ndim, int32_t dtype, int32_t device_type, int32_t device_index,
                  lh_generator g) {
  LH_TENSOR_OP(at::rand(dims_of(sizes, ndim), generator_of(g), options_of(dtype, device_type, device_index)))
}
lh_tensor lh_randint(int64_t low, int64_t high, const int64_t* sizes, int32_t ndim, int32_t device_type,
                     int32_t device_index, lh_generator g) {
  LH_TENSOR_OP(at::randint(low, high, dims_of(sizes, ndim), generator_of(g),
                           options_of(LH_INT64, device_type, device_index)))
}
lh_tensor lh_to(lh_tensor t, int32_t dtype, int32_t device_type, int32_t device_index) {
  LH_TENSOR_OP(unwrap(t).to(options_of(dtype, device_type, device_index)))
}

// ---- typed fast paths ----
// alpha = 1 takes the plain overload: integer tensors reject a floating-point alpha.
lh_tensor lh_add(lh_tensor a, lh_tensor b, double alpha) {
  LH_TENSOR_OP(alpha == 1.0 ? at::add(unwrap(a), unwrap(b)) : at::add(unwrap(a), unwrap(b), alpha))
}
lh_tensor lh_sub(lh_tensor a, lh_tensor b, double alpha) {
  LH_TENSOR_OP(alpha == 1.0 ? at::sub(unwrap(a), unwrap(b)) : at::sub(unwrap(a), unwrap(b), alpha))
}
lh_tensor lh_mul(lh_tensor a, lh_tensor b) { LH_TENSOR_OP(at::mul(unwrap(a), unwrap(b))) }
lh_tensor lh_div(lh_tensor a, lh_tensor b) { LH_TENSOR_OP(at::div(unwrap(a), unwrap(b))) }
lh_tensor lh_add_scalar(lh_tensor a, double s) { LH_TENSOR_OP(at::add(unwrap(a), s)) }
lh_tensor lh_mul_scalar(lh_tensor a, double s) { LH_TENSOR_OP(at::mul(unwrap(a), s)) }
lh_tensor lh_matmul(lh_tensor a, lh_tensor b) { LH_TENSOR_OP(at::matmul(unwrap(a), unwrap(b))) }
lh_tensor lh_bmm(lh_tensor a, lh_tensor b) { LH_TENSOR_OP(at::bmm(unwrap(a), unwrap(b))) }
lh_tensor lh_baddbmm(lh_tensor input, lh_tensor a, lh_tensor b, double beta, double alpha) {
  LH_TENSOR_OP(at::baddbmm(unwrap(input), unwrap(a), unwrap(b), beta, alpha))
}
lh_tensor lh_sum(lh_tensor a, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  LH_TENSOR_OP(ndims == 0 ? at::sum(unwrap(a)) : at::sum(unwrap(a), dims_of(dims, ndims), keepdim != 0))
}
lh_tensor lh_mean(lh_tensor a, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  LH_TENSOR_OP(ndims == 0 ? at::mean(unwrap(a)) : at::mean(unwrap(a), dims_of(dims, ndims), keepdim != 0))
}
lh_tensor lh_reshape(lh_tensor a, const int64_t* sizes, int32_t ndim) {
  LH_TENSOR_OP(at::reshape(unwrap(a), dims_of(sizes, ndim)))
}
lh_tensor lh_narrow(lh_tensor a, int64_t dim, int64_t start, int64_t length) {
  LH_TENSOR_OP(unwrap(a).narrow(dim, start, length))
}
lh_tensor lh_select(lh_tensor a, int64_t dim, int64_t index) { LH_TENSOR_OP(unwrap(a).select(dim, index)) }
lh_tensor lh_index_select(lh_tensor a, int64_t dim, lh_tensor index) {
  LH_TENSOR_OP(at::index_select(unwrap(a), dim, unwrap(index)))
}
int32_t lh_add_(lh_tensor self, lh_tensor other, double alpha) {
  LH_STATUS_OP(alpha == 1.0 ? const_cast<at::Tensor&>(unwrap(self)).add_(unwrap(other))
                            : const_cast<at::Tensor&>(unwrap(self)).add_(unwrap(other), alpha))
}
int32_t lh_mul_(lh_tensor self, lh_tensor other) { LH_STATUS_OP(const_cast<at::Tensor&>(unwrap(self)).mul_(unwrap(other))) }
int32_t lh_mul_scalar_(lh_tensor self, double s) { LH_STATUS_OP(const_cast<at::Tensor&>(unwrap(self)).mul_(s)) }
int32_t lh_copy_(lh_tensor self, lh_tensor src) { LH_STATUS_OP(const_cast<at::Tensor&>(unwrap(self)).copy_(unwrap(src))) }
int32_t lh_zero_(lh_tensor self) { LH_STATUS_OP(const_cast<at::Tensor&>(unwrap(self)).zero_()) }

// ---- boxed operator call ----
namespace {

std::mutex op_cache_mutex;
std::unordered_map<std::string, lh_op> op_cache;

std::vector<int64_t> int_list(const int64_t* values, int64_t length) {
  if (length < 0) throw std::invalid_argument("negative list length");
  if (length > 0 && values == nullptr) throw std::invalid_argument("null list");
  return std::vector<int64_t>(values, values + length);
}

c10::IValue to_ivalue(int32_t tag, int64_t value, void* ptr, const c10::Argument& argument) {
  switch (tag) {
    case LH_ARG_NONE: return c10::IValue();
    case LH_ARG_TENSOR: return c10::IValue(unwrap(static_cast<lh_tensor>(ptr)));
    case LH_ARG_INT: return c10::IValue(value);
    case LH_ARG_DOUBLE: {
      double d;
      std::memcpy(&d, &value, sizeof d);
      return c10::IValue(d);
    }
    case LH_ARG_BOOL: return c10::IValue(value != 0);
    case LH_ARG_INT_LIST: return c10::IValue(int_list(static_cast<const int64_t*>(ptr), value));
    case LH_ARG_DOUBLE_LIST: {
      if (value < 0 || (value > 0 && ptr == nullptr)) throw std::invalid_argument("bad double list");
      auto* d = static_cast<const double*>(ptr);
      return c10::IValue(std::vector<double>(d, d + value));
    }
    case LH_ARG_TENSOR_LIST: {
      if (value < 0 || (value > 0 && ptr == nullptr)) throw std::invalid_argument("bad tensor list");
      auto* handles = static_cast<lh_tensor const*>(ptr);
      std::vector<at::Tensor> list;
      list.reserve(static_cast<size_t>(value));
      for (int64_t i = 0; i < value; ++i) list.push_back(unwrap(handles[i]));
      return c10::IValue(list);
    }
    case LH_ARG_STRING:
      if (ptr == nullptr) throw std::invalid_argument("null string");
      return c10::IValue(std::string(static_cast<const char*>(ptr)));
    case LH_ARG_DEVICE:
      return c10::IValue(c10::Device(static_cast<c10::DeviceType>(value / 65536),
                                     static_cast<c10::DeviceIndex>(value % 65536 == 65535 ? -1 : value % 65536)));
    case LH_ARG_GENERATOR:
      if (ptr == nullptr) return c10::IValue();
      return c10::IValue(static_cast<lh_generator>(ptr)->g);
    default:
      throw std::invalid_argument("unknown argument tag " + std::to_string(tag) + " for argument '" +
                                  argument.name() + "'");
  }
}

int32_t store_result(const c10::IValue& v, int32_t slot, int32_t max_results, int32_t* out_tags,
                     int64_t* out_values, void** out_ptrs) {
  auto need = [&](int32_t n) {
    if (slot + n > max_results) throw std::invalid_argument("operator returned more results than the buffer holds");
  };
  if (v.isTensor()) {
    need(1);
    out_tags[slot] = LH_ARG_TENSOR;
    out_values[slot] = 0;
    out_ptrs[slot] = wrap(v.toTensor());
    return 1;
  }
  if (v.isTensorList()) {
    auto list = v.toTensorList();
    need(static_cast<int32_t>(list.size()));
    for (size_t i = 0; i < list.size(); ++i) {
      out_tags[slot + i] = LH_ARG_TENSOR;
      out_values[slot + i] = 0;
      out_ptrs[slot + i] = wrap(list.get(i));
    }
    return static_cast<int32_t>(list.size());
  }
  need(1);
  out_ptrs[slot] = nullptr;
  if (v.isInt()) { out_tags[slot] = LH_ARG_INT; out_values[slot] = v.toInt(); return 1; }
  if (v.isBool()) { out_tags[slot] = LH_ARG_BOOL; out_values[slot] = v.toBool() ? 1 : 0; return 1; }
  if (v.isDouble()) {
    double d = v.toDouble();
    out_tags[slot] = LH_ARG_DOUBLE;
    std::memcpy(&out_values[slot], &d, sizeof d);
    return 1;
  }
  if (v.isNone()) { out_tags[slot] = LH_ARG_NONE; out_values[slot] = 0; return 1; }
  throw std::invalid_argument(std::string("unsupported result type ") + v.tagKind());
}

}  // namespace

lh_op lh_op_find(const char* name, const char* overload) {
  LH_GUARD(nullptr, {
    if (name == nullptr) throw std::invalid_argument("null operator name");
    std::string key = std::string(name) + "." + (overload ? overload : "");
    std::lock_guard<std::mutex> lock(op_cache_mutex);
    auto found = op_cache.find(key);
    if (found != op_cache.end()) return found->second;
    auto handle = c10::Dispatcher::singleton().findSchemaOrThrow(name, overload ? overload : "");
    std::ostringstream text;
    text << handle.schema();
    auto* op = new lh_op_s{handle, text.str()};
    op_cache.emplace(key, op);
    return op;
  })
}

const char* lh_op_schema(lh_op op) {
  LH_GUARD(nullptr, {
    if (op == nullptr) throw std::invalid_argument("null operator handle");
    return op->schema_text.c_str();
  })
}

int32_t lh_op_call(lh_op op, int32_t nargs, const int32_t* tags, const int64_t* values, void* const* ptrs,
                   int32_t max_results, int32_t* out_tags, int64_t* out_values, void** out_ptrs) {
  LH_GUARD(-1, {
    if (op == nullptr) throw std::invalid_argument("null operator handle");
    const auto& arguments = op->handle.schema().arguments();
    if (nargs < 0 || static_cast<size_t>(nargs) > arguments.size())
      throw std::invalid_argument("got " + std::to_string(nargs) + " arguments for " + op->schema_text);
    torch::jit::Stack stack;
    stack.reserve(arguments.size());
    for (int32_t i = 0; i < nargs; ++i) stack.push_back(to_ivalue(tags[i], values[i], ptrs[i], arguments[i]));
    for (size_t i = static_cast<size_t>(nargs); i < arguments.size(); ++i) {
      if (!arguments[i].default_value().has_value())
        throw std::invalid_argument("missing argument '" + arguments[i].name() + "' of " + op->schema_text);
      stack.push_back(*arguments[i].default_value());
    }
    op->handle.callBoxed(&stack);
    int32_t count = 0;
    try {
      for (const auto& v : stack) count += store_result(v, count, max_results, out_tags, out_values, out_ptrs);
    } catch (...) {
      for (int32_t i = 0; i < count; ++i)
        if (out_tags[i] == LH_ARG_TENSOR) lh_tensor_free(static_cast<lh_tensor>(out_ptrs[i]));
      throw;
    }
    return count;
  })
}

// ---- TorchScript modules ----
// A module's parameters and buffers live in slots of its (sub)module objects. Each is found once, at load, as
// (owner object, slot index), so that binding a chain's views for one forward is a pointer store per parameter rather
// than a walk down the attribute path. The module's own values ("home") are bound again after every chain loop, so
// that no graph of a sampling step outlives it.
struct lh_module_s {
  struct Slot {
    std::string name;
    c10::intrusive_ptr<c10::ivalue::Object> owner;
    size_t index;
    at::Tensor home;
  };
  torch::jit::Module module;
  std::string path;
  std::vector<Slot> slots[2];  // LH_MODULE_PARAMETERS, LH_MODULE_BUFFERS
};

namespace {

std::string shape_of(const at::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

std::string dtype_of(const at::Tensor& t) {
  switch (t.scalar_type()) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kShort: return "int16";
    case at::kChar: return "int8";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    default: return c10::toString(t.scalar_type());
  }
}

std::string described(const char* what, const at::Tensor& t) {
  return std::string(what) + " " + shape_of(t) + " " + dtype_of(t);
}

// The interpreter's message is a TorchScript traceback ending in the original error; its last line says what failed.
// An unknown operator's message puts the operator's name first and the source location after it: that line is the one.
std::string reason_of(const std::string& text) {
  std::string last;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    size_t a = line.find_first_not_of(" \t\r");
    if (a == std::string::npos) continue;
    if (line.find("Unknown builtin op") != std::string::npos) return line.substr(a);
    last = line.substr(a);
  }
  return last.empty() ? "unknown error" : last;
}

// The archive's file-format version against the newest this libtorch reads, as a clause for a load error ("" when the
// file is no readable archive).
std::string archive_versions(const char* path) {
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    std::ostringstream s;
    s << "; the file's format version is " << reader.version() << ", this libtorch reads up to "
      << caffe2::serialize::kMaxSupportedFileFormatVersion;
    return s.str();
  } catch (...) {
    return "";
  }
}

lh_module_s& module_of(lh_module m) {
  if (m == nullptr) throw std::invalid_argument("null module handle");
  return *m;
}

std::vector<lh_module_s::Slot>& slots_of(lh_module m, int32_t kind) {
  if (kind != LH_MODULE_PARAMETERS && kind != LH_MODULE_BUFFERS) throw std::invalid_argument("unknown tensor kind " + std::to_string(kind));
  return module_of(m).slots[kind];
}

lh_module_s::Slot& slot_of(lh_module m, int32_t kind, int32_t i) {
  auto& slots = slots_of(m, kind);
  if (i < 0 || static_cast<size_t>(i) >= slots.size()) throw std::invalid_argument("tensor index " + std::to_string(i) + " out of range");
  return slots[static_cast<size_t>(i)];
}

lh_module_s::Slot find_slot(torch::jit::Module& module, const std::string& name, const at::Tensor& value) {
  c10::intrusive_ptr<c10::ivalue::Object> owner = module._ivalue();
  size_t start = 0;
  for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
    owner = owner->getAttr(name.substr(start, dot - start)).toObject();
    start = dot + 1;
  }
  size_t index = owner->type()->getAttributeSlot(name.substr(start));
  return lh_module_s::Slot{name, owner, index, value.detach()};
}

// A module with its parameter and buffer slots indexed (names as in state_dict()), each bound to its detached home.
lh_module_s* with_slots(torch::jit::Module module, const std::string& path) {
  auto m = std::make_unique<lh_module_s>(lh_module_s{std::move(module), path, {}});
  for (const auto& p : m->module.named_parameters(true))
    m->slots[LH_MODULE_PARAMETERS].push_back(find_slot(m->module, p.name, p.value));
  for (const auto& b : m->module.named_buffers(true))
    m->slots[LH_MODULE_BUFFERS].push_back(find_slot(m->module, b.name, b.value));
  for (auto& kind : m->slots)
    for (auto& s : kind) s.owner->setSlot(s.index, s.home);
  return m.release();
}

// The first tensor of what forward returned: a tensor, or the first element of a tuple (as many modules return).
at::Tensor output_tensor(const lh_module_s& m, const c10::IValue& v) {
  if (v.isTensor()) return v.toTensor();
  if (v.isTuple()) {
    const auto& elements = v.toTuple()->elements();
    if (!elements.empty() && elements[0].isTensor()) return elements[0].toTensor();
  }
  throw std::invalid_argument(m.path + ": forward returned " + v.tagKind() + ", not a tensor (or a tuple starting with one)");
}

at::Tensor score(const lh_module_s& m, const at::Tensor& out, const at::Tensor& y, int32_t kind) {
  switch (kind) {
    case LH_LOSS_CROSS_ENTROPY: {
      if (out.dim() < 1 || !at::isFloatingType(out.scalar_type()))
        throw std::invalid_argument(m.path + ": cross-entropy needs floating outputs [..., K]; forward returned " + described("", out));
      if (at::isFloatingType(y.scalar_type()) || y.scalar_type() == at::kBool)
        throw std::invalid_argument(m.path + ": cross-entropy needs integer class targets; y is " + described("", y) + " (use --loss mse)");
      if (y.sizes() != out.sizes().slice(0, static_cast<size_t>(out.dim() - 1)))
        throw std::invalid_argument(m.path + ": outputs " + shape_of(out) + " do not fit targets y " + shape_of(y) +
                                    " (cross-entropy over the last axis needs y shaped like the outputs without it)");
      int64_t classes = out.size(-1);
      return at::cross_entropy_loss(out.reshape({-1, classes}), y.reshape({-1}).to(at::kLong));
    }
    case LH_LOSS_MSE:
      if (!at::isFloatingType(out.scalar_type()))
        throw std::invalid_argument(m.path + ": mse needs floating outputs; forward returned " + described("", out));
      if (out.sizes() != y.sizes())
        throw std::invalid_argument(m.path + ": outputs " + shape_of(out) + " and targets y " + shape_of(y) +
                                    " differ in shape (mse compares them element by element)");
      return at::mse_loss(out, y.to(out.scalar_type()));
    case LH_LOSS_MODULE:
      if (out.numel() != 1 || !at::isFloatingType(out.scalar_type()))
        throw std::invalid_argument(m.path + ": forward(x, y) must return the scalar loss (--loss module); it returned " +
                                    described("", out));
      return out.reshape({});
    default:
      throw std::invalid_argument("unknown loss kind " + std::to_string(kind));
  }
}

// Binds chain c's views into the module's parameter slots; the destructor binds the module's own values again, also
// when forward throws.
class ChainBinding {
 public:
  ChainBinding(lh_module_s& m, const lh_tensor* views, int32_t nviews) : m_(m) {
    auto& params = m.slots[LH_MODULE_PARAMETERS];
    if (nviews != static_cast<int32_t>(params.size()))
      throw std::invalid_argument(m.path + ": got " + std::to_string(nviews) + " parameter views, the module has " +
                                  std::to_string(params.size()));
    if (nviews > 0 && views == nullptr) throw std::invalid_argument("null views array");
    views_.reserve(params.size());
    for (int32_t i = 0; i < nviews; ++i) {
      const at::Tensor& v = unwrap(views[i]);
      const at::Tensor& home = params[static_cast<size_t>(i)].home;
      if (v.dim() != home.dim() + 1 || v.sizes().slice(1) != home.sizes())
        throw std::invalid_argument(m.path + ": the view of parameter " + params[static_cast<size_t>(i)].name + " is " +
                                    shape_of(v) + ", the module needs [C] + " + shape_of(home));
      views_.push_back(v);
    }
    chains_ = views_.empty() ? -1 : views_[0].size(0);
  }
  ~ChainBinding() {
    for (auto& s : m_.slots[LH_MODULE_PARAMETERS]) s.owner->setSlot(s.index, s.home);
  }
  int64_t chains() const { return chains_; }
  void bind(int64_t c) {
    auto& params = m_.slots[LH_MODULE_PARAMETERS];
    for (size_t i = 0; i < views_.size(); ++i) params[i].owner->setSlot(params[i].index, views_[i].select(0, c));
  }
  // Binds every parameter as a batched tensor of the given vmap level (its chain axis hidden).
  // A batched tensor has no autograd state of its own (its ops run on the view it wraps, where autograd records
  // them), so it reads as not requiring grad. Modules read that flag to choose a path: nn.TransformerEncoderLayer and
  // nn.MultiheadAttention take their inference-only fused kernel when no weight requires grad. So the flag is set on
  // the batched parameter too, as the per-chain path would see it.
  void bind_batched(const std::function<at::Tensor(const at::Tensor&)>& batch) {
    auto& params = m_.slots[LH_MODULE_PARAMETERS];
    bool grad = c10::GradMode::is_enabled();
    for (size_t i = 0; i < views_.size(); ++i) {
      at::Tensor batched = batch(views_[i]);
      if (grad && views_[i].requires_grad()) batched.unsafeGetTensorImpl()->set_requires_grad(true);
      params[i].owner->setSlot(params[i].index, batched);
    }
  }

 private:
  lh_module_s& m_;
  std::vector<at::Tensor> views_;
  int64_t chains_ = -1;
};

c10::IValue run_forward(lh_module_s& m, std::vector<c10::IValue> inputs, const at::Tensor& x) {
  // The interpreter runs the module's graph as scripted. The profiling executor would specialise it after its first
  // runs on what it saw (differentiable subgraphs that detach their inputs through .data, guards on requires-grad),
  // which breaks under functorch's batching ("accessing data under vmap") and then misleads the per-chain calls
  // that follow with the same module; on the CPU it fuses nothing either.
  torch::jit::GraphOptimizerEnabledGuard plain_graph(false);
  try {
    return m.module.forward(std::move(inputs));
  } catch (const c10::Error& e) {
    throw std::invalid_argument(m.path + ": forward failed on " + described("x", x) + ": " + reason_of(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw std::invalid_argument(m.path + ": forward failed on " + described("x", x) + ": " + reason_of(e.what()));
  }
}

// All chains in one forward: the chain axis of the views, x and y becomes a vmap level of libtorch's functorch (the
// C++ side of torch.func.vmap), the module runs once on batched tensors, and the result comes back with the chain axis
// in front. Autograd sees the ops the batching rules run on the real tensors, so backward() of the result reaches the
// views' base as in the per-chain path. The level is popped again whatever happens; the module's own values are bound
// again by the ChainBinding destructor.
class VmapLevel {
 public:
  explicit VmapLevel(int64_t chains) {
    // a missing batching rule fails the call (naming the operator) instead of running functorch's slow per-chain loop
    // with a warning: the caller then takes its own per-chain path, which knows how to say so once
    static const bool fallback_off = [] { at::functorch::setVmapFallbackEnabled(false); return true; }();
    (void)fallback_off;
    level_ = at::functorch::initAndPushDynamicLayer(at::functorch::TransformType::Vmap, c10::SymInt(chains),
                                                   at::functorch::RandomnessType::Error);
  }
  ~VmapLevel() { at::functorch::popDynamicLayerAndDeleteMetadata(); }
  VmapLevel(const VmapLevel&) = delete;
  VmapLevel& operator=(const VmapLevel&) = delete;
  int64_t level() const { return level_; }
  // functorch's batched tensor (dispatch key FuncTorchBatched), as torch.func.vmap makes; not aten::_add_batch_dim,
  // which makes the legacy kind with the legacy batching rules
  at::Tensor batched(const at::Tensor& t) const { return at::functorch::addBatchDim(t, 0, level_); }
  // The chain axis back in front; a result that does not depend on the chains is expanded to all of them.
  at::Tensor unbatched(const at::Tensor& t, int64_t chains) const {
    const auto* impl = at::functorch::maybeGetBatchedImpl(t);
    if (impl == nullptr || impl->level() != level_) {
      std::vector<int64_t> sizes{chains};
      sizes.insert(sizes.end(), t.sizes().begin(), t.sizes().end());
      return t.unsqueeze(0).expand(sizes);
    }
    return impl->value().movedim(impl->bdim(), 0);
  }

 private:
  int64_t level_;
};

// Fails when backward from t would reach an operator without a derivative (an autograd Error node): a module can take
// an inference-only kernel under vmap where it would not on the per-chain path. Walks the graph once per call
// (hundreds of nodes for a transformer, microseconds beside its forward).
void check_differentiable(const at::Tensor& t) {
  if (!t.requires_grad() || !t.grad_fn()) return;
  std::vector<torch::autograd::Node*> stack{t.grad_fn().get()};
  std::unordered_set<torch::autograd::Node*> seen;
  while (!stack.empty()) {
    torch::autograd::Node* node = stack.back();
    stack.pop_back();
    if (node == nullptr || !seen.insert(node).second) continue;
    if (auto* error = dynamic_cast<torch::autograd::Error*>(node))
      throw std::invalid_argument("the batched forward has no backward: " + error->msg);
    for (const auto& edge : node->next_edges()) stack.push_back(edge.function.get());
  }
}

int64_t chains_of(ChainBinding& binding, const at::Tensor& x) {
  int64_t c = binding.chains() >= 0 ? binding.chains() : x.size(0);
  if (x.dim() < 1 || x.size(0) != c)
    throw std::invalid_argument("inputs x " + shape_of(x) + " need a leading chain axis of " + std::to_string(c));
  return c;
}

}  // namespace

lh_module lh_module_load(const char* path, int32_t device_type, int32_t device_index) {
  LH_GUARD(nullptr, {
    if (path == nullptr) throw std::invalid_argument("null path");
    c10::Device device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index));
    torch::jit::Module module;
    try {
      module = torch::jit::load(path, device);
      module.eval();
      // imported code compiles lazily: an operator this libtorch lacks shows here, not at the first step
      module.get_method("forward").function().ensure_defined();
    } catch (const std::exception& e) {
      // c10::Error for a damaged or too new archive; torch::jit::ErrorReport (a std::exception) for code it cannot compile
      const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
      std::string reason = reason_of(c10_error != nullptr ? c10_error->what_without_backtrace() : e.what());
      std::string versions = archive_versions(path);
      if (reason.find("Unknown builtin op") != std::string::npos || reason.find("version") != std::string::npos)
        throw std::invalid_argument(std::string(path) + ": libtorch " + TORCH_VERSION + " cannot load this module: " +
                                    reason + versions +
                                    " (save it with the PyTorch whose libtorch lambdahat runs on, or run bin/setup "
                                    "against a newer PyTorch: LAMBDAHAT_PYTHON=/path/to/python bin/setup)");
      throw std::invalid_argument(std::string(path) + " is not a TorchScript module (torch.jit.save writes one): " + reason);
    }
    return with_slots(std::move(module), path);
  })
}

lh_module lh_module_clone(lh_module m) {
  LH_GUARD(nullptr, {
    const lh_module_s& source = module_of(m);
    // The module's own values are bound after every chain call, so its attributes are the homes here: the deep copy
    // starts from them, with storage of its own.
    return with_slots(source.module.clone(), source.path);
  })
}

int32_t lh_module_free(lh_module m) { LH_STATUS_OP(delete m) }

int32_t lh_module_count(lh_module m, int32_t kind) {
  LH_GUARD(-1, { return static_cast<int32_t>(slots_of(m, kind).size()); })
}

const char* lh_module_name(lh_module m, int32_t kind, int32_t i) {
  LH_GUARD(nullptr, { return slot_of(m, kind, i).name.c_str(); })
}

lh_tensor lh_module_get(lh_module m, int32_t kind, int32_t i) { LH_TENSOR_OP(slot_of(m, kind, i).home) }

int32_t lh_module_set(lh_module m, int32_t kind, int32_t i, lh_tensor value) {
  LH_STATUS_OP({
    auto& s = slot_of(m, kind, i);
    const at::Tensor& v = unwrap(value);
    if (v.sizes() != s.home.sizes() || v.scalar_type() != s.home.scalar_type() || v.device() != s.home.device())
      throw std::invalid_argument(m->path + ": " + s.name + " is " + described("", s.home) + ", got " + described("", v));
    s.home = v.detach();
    s.owner->setSlot(s.index, s.home);
  })
}

lh_tensor lh_module_chain_loss(lh_module m, const lh_tensor* views, int32_t nviews, lh_tensor x, lh_tensor y,
                               int32_t loss_kind) {
  LH_GUARD(nullptr, {
    lh_module_s& module = module_of(m);
    const at::Tensor& xs = unwrap(x);
    const at::Tensor& ys = unwrap(y);
    ChainBinding binding(module, views, nviews);
    int64_t chains = chains_of(binding, xs);
    if (ys.dim() < 1 || ys.size(0) != chains)
      throw std::invalid_argument("targets y " + shape_of(ys) + " need a leading chain axis of " + std::to_string(chains));
    std::vector<at::Tensor> losses;
    losses.reserve(static_cast<size_t>(chains));
    for (int64_t c = 0; c < chains; ++c) {
      binding.bind(c);
      at::Tensor xc = xs.select(0, c), yc = ys.select(0, c);
      if (loss_kind == LH_LOSS_MODULE) {
        losses.push_back(score(module, output_tensor(module, run_forward(module, {xc, yc}, xc)), yc, loss_kind));
      } else {
        losses.push_back(score(module, output_tensor(module, run_forward(module, {xc}, xc)), yc, loss_kind));
      }
    }
    return wrap(at::stack(losses));
  })
}

lh_tensor lh_module_chain_outputs(lh_module m, const lh_tensor* views, int32_t nviews, lh_tensor x) {
  LH_GUARD(nullptr, {
    lh_module_s& module = module_of(m);
    const at::Tensor& xs = unwrap(x);
    ChainBinding binding(module, views, nviews);
    int64_t chains = chains_of(binding, xs);
    std::vector<at::Tensor> outputs;
    outputs.reserve(static_cast<size_t>(chains));
    for (int64_t c = 0; c < chains; ++c) {
      binding.bind(c);
      at::Tensor xc = xs.select(0, c);
      outputs.push_back(output_tensor(module, run_forward(module, {xc}, xc)));
    }
    return wrap(at::stack(outputs));
  })
}

lh_tensor lh_module_vmap_loss(lh_module m, const lh_tensor* views, int32_t nviews, lh_tensor x, lh_tensor y,
                              int32_t loss_kind) {
  LH_GUARD(nullptr, {
    lh_module_s& module = module_of(m);
    const at::Tensor& xs = unwrap(x);
    const at::Tensor& ys = unwrap(y);
    ChainBinding binding(module, views, nviews);
    int64_t chains = chains_of(binding, xs);
    if (ys.dim() < 1 || ys.size(0) != chains)
      throw std::invalid_argument("targets y " + shape_of(ys) + " need a leading chain axis of " + std::to_string(chains));
    at::Tensor losses;
    {
      VmapLevel vmap(chains);
      binding.bind_batched([&](const at::Tensor& v) { return vmap.batched(v); });
      at::Tensor xb = vmap.batched(xs), yb = vmap.batched(ys);
      std::vector<c10::IValue> inputs{xb};
      if (loss_kind == LH_LOSS_MODULE) inputs.push_back(yb);
      at::Tensor loss = score(module, output_tensor(module, run_forward(module, std::move(inputs), xs.select(0, 0))), yb, loss_kind);
      losses = vmap.unbatched(loss, chains);
    }
    check_differentiable(losses);
    return wrap(losses);
  })
}

lh_tensor lh_module_vmap_outputs(lh_module m, const lh_tensor* views, int32_t nviews, lh_tensor x) {
  LH_GUARD(nullptr, {
    lh_module_s& module = module_of(m);
    const at::Tensor& xs = unwrap(x);
    ChainBinding binding(module, views, nviews);
    int64_t chains = chains_of(binding, xs);
    at::Tensor outputs;
    {
      VmapLevel vmap(chains);
      binding.bind_batched([&](const at::Tensor& v) { return vmap.batched(v); });
      at::Tensor xb = vmap.batched(xs);
      outputs = vmap.unbatched(output_tensor(module, run_forward(module, {xb}, xs.select(0, 0))), chains);
    }
    return wrap(outputs);
  })
}

}  // extern "C"
