// Batching rules that libtorch's functorch lacks for operators today's PyTorch modules call, registered for the
// FuncTorchBatched dispatch key, so that such modules' chains still run in one batched forward
// (lh_module_vmap_loss). Without them functorch refuses the call (its per-example fallback is switched off: it cannot
// take view ops, and its loop is slower than the shim's own per-chain path), and the caller runs the chains one by one.
//
// Only the forward is batched here: the sampler differentiates with ordinary autograd after the vmap level is popped,
// so the backward of these operators runs on plain tensors.
#include <torch/library.h>
#include <ATen/ATen.h>
#include <ATen/functorch/DynamicLayer.h>
#include <ATen/functorch/PlumbingHelper.h>
#include <ATen/ops/unflatten_native.h>

namespace {

using at::Tensor;

// A tensor of the current vmap level with its chain axis in front, [C, ...]; an unbatched tensor is left as it is.
struct Unwrapped {
  Tensor value;
  bool batched;
};

Unwrapped unwrap_front(const Tensor& t, int64_t level) {
  auto [value, bdim] = at::functorch::unwrapTensorAtLevel(t, level);
  if (!bdim.has_value()) return {value, false};
  return {value.movedim(*bdim, 0), true};
}

// [C, B, ...] → [C·B, ...]: the chains become more rows of the operator's own batch axis.
Tensor fold(const Tensor& t) {
  std::vector<int64_t> shape(t.sizes().begin() + 1, t.sizes().end());
  shape[0] *= t.size(0);
  return t.reshape(shape);
}

Tensor unfold_chains(const Tensor& t, int64_t chains) {
  std::vector<int64_t> shape{chains, t.size(0) / chains};
  shape.insert(shape.end(), t.sizes().begin() + 1, t.sizes().end());
  return t.reshape(shape);
}

// aten::_scaled_dot_product_flash_attention_for_cpu(Tensor query, Tensor key, Tensor value, float dropout_p=0.0,
//   bool is_causal=False, *, Tensor? attn_mask=None, float? scale=None) -> (Tensor output, Tensor logsumexp)
// The kernel batches over its leading axis already: the chain axis folds into it.
std::tuple<Tensor, Tensor> sdpa_flash_cpu_batched(const Tensor& query, const Tensor& key, const Tensor& value,
                                                   double dropout_p, bool is_causal,
                                                   const std::optional<Tensor>& attn_mask,
                                                   std::optional<double> scale) {
  auto layer = at::functorch::maybeCurrentDynamicLayer();
  TORCH_INTERNAL_ASSERT(layer.has_value());
  int64_t level = layer->layerId();
  int64_t chains = layer->batchSize().guard_int(__FILE__, __LINE__);
  c10::impl::ExcludeDispatchKeyGuard guard(c10::DispatchKey::FuncTorchBatched);
  Unwrapped q = unwrap_front(query, level), k = unwrap_front(key, level), v = unwrap_front(value, level);
  auto physical = [&](const Unwrapped& u) {
    return u.batched ? u.value : u.value.unsqueeze(0).expand([&] {
      std::vector<int64_t> s{chains};
      s.insert(s.end(), u.value.sizes().begin(), u.value.sizes().end());
      return s;
    }());
  };
  Tensor qp = physical(q), kp = physical(k), vp = physical(v);
  int64_t batch = qp.size(1);
  std::optional<Tensor> mask = attn_mask;
  if (attn_mask.has_value() && attn_mask->defined()) {
    Unwrapped m = unwrap_front(*attn_mask, level);
    Tensor mv = m.batched ? m.value : m.value.unsqueeze(0);  // [C or 1, ...logical]
    while (mv.dim() < qp.dim()) mv = mv.unsqueeze(1);        // [C or 1, B or 1, H or 1, T, S]
    std::vector<int64_t> shape(mv.sizes().begin(), mv.sizes().end());
    shape[0] = chains;
    shape[1] = batch;
    mask = fold(mv.expand(shape));
  }
  auto [out, lse] = at::_scaled_dot_product_flash_attention_for_cpu(fold(qp.contiguous()), fold(kp.contiguous()),
                                                                   fold(vp.contiguous()), dropout_p, is_causal, mask,
                                                                   scale);
  return {at::functorch::makeBatched(unfold_chains(out, chains), 0, level),
          at::functorch::makeBatched(unfold_chains(lse, chains), 0, level)};
}

// aten::unflatten.int is CompositeImplicitAutograd (a view): decompose it, as functorch does for its other composites.
Tensor unflatten_decomposed(const Tensor& self, int64_t dim, c10::SymIntArrayRef sizes) {
  return at::native::unflatten_symint(self, dim, sizes);
}

// aten::nll_loss_forward(Tensor self, Tensor target, Tensor? weight, int reduction, SymInt ignore_index)
//   -> (Tensor output, Tensor total_weight)
// (under F.cross_entropy). PyTorch's Python vmap decomposes it in Python; here the same decomposition into ops that
// have batching rules: pick each row's target log-probability, weight it, reduce.
std::tuple<Tensor, Tensor> nll_loss_forward_decomposed(const Tensor& self, const Tensor& target,
                                                       const std::optional<Tensor>& weight, int64_t reduction,
                                                       c10::SymInt ignore_index) {
  int64_t ignore = ignore_index.guard_int(__FILE__, __LINE__);
  int64_t class_dim = self.dim() == 1 ? 0 : 1;
  Tensor valid = target.ne(ignore);
  Tensor safe = at::where(valid, target, at::zeros_like(target));
  Tensor picked = -self.gather(class_dim, safe.unsqueeze(class_dim)).squeeze(class_dim);
  Tensor w = valid.to(self.scalar_type());
  if (weight.has_value() && weight->defined()) w = w * weight->index_select(0, safe.reshape({-1})).reshape(safe.sizes());
  Tensor weighted = picked * w;
  switch (reduction) {
    case at::Reduction::None:
      return {weighted, at::zeros({}, self.options())};
    case at::Reduction::Sum:
      return {weighted.sum(), w.sum()};
    default: {
      Tensor total = w.sum();
      return {weighted.sum() / total, total};
    }
  }
}

}  // namespace

TORCH_LIBRARY_IMPL(aten, FuncTorchBatched, m) {
  m.impl("nll_loss_forward", TORCH_FN(nll_loss_forward_decomposed));
  m.impl("_scaled_dot_product_flash_attention_for_cpu", TORCH_FN(sdpa_flash_cpu_batched));
  m.impl("unflatten.int", TORCH_FN(unflatten_decomposed));
}
