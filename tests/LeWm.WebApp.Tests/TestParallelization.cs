// The browser and load tests measure the app; they must not share the two cores with other tests of this project.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
