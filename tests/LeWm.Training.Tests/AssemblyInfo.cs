// Training tests seed torch's global generator; run them one at a time so no other test draws from it meanwhile.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
