using ChatHub.Infrastructure;

if (HealthProbe.IsRequested(args)) return await HealthProbe.RunAsync(args);
ChatHub.ChatHubApp.Build(args).Run();
return 0;
