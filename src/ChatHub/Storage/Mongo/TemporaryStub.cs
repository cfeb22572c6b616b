namespace ChatHub.Storage.Mongo;

public static class TemporaryStub
{
    public static IServiceCollection AddMongoStorage(this IServiceCollection services, string connectionString) =>
        throw new NotSupportedException(connectionString);
}
