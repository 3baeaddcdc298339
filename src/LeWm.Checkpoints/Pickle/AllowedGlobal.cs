namespace LeWm.Checkpoints.Pickle;

/// <summary>The globals a PyTorch state dict's pickle may name, and so the only ones <see cref="RestrictedUnpickler"/> accepts.</summary>
internal enum AllowedGlobal
{
    /// <summary><c>collections.OrderedDict</c>: the state dict itself and empty backward-hook dicts.</summary>
    OrderedDict,

    /// <summary><c>torch._utils._rebuild_tensor_v2</c>: a tensor as (storage, offset, size, stride, requires_grad, hooks[, metadata]).</summary>
    RebuildTensorV2,

    /// <summary><c>torch._utils._rebuild_tensor</c>: the older (storage, offset, size, stride) form.</summary>
    RebuildTensor,

    /// <summary><c>torch._utils._rebuild_parameter</c>: an <c>nn.Parameter</c> as (tensor, requires_grad, hooks).</summary>
    RebuildParameter,

    /// <summary><c>torch._utils._rebuild_parameter_with_state</c>: (tensor, requires_grad, hooks, state).</summary>
    RebuildParameterWithState,

    /// <summary>A typed storage class such as <c>torch.FloatStorage</c>, named inside a persistent id.</summary>
    StorageType,
}
