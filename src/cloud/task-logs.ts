import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { awsErrorName, describeAwsFailure } from './aws-call.js';
import type { CloudClients } from './aws-clients.js';
import { LOG_GROUP_NAME, logStreamName } from './resource-names.js';

/**
 * The last lines a task's container wrote (its awslogs stream), to show next to a failure. Never
 * throws: when the lines cannot be read, it says why instead, since the failure matters more.
 */
export async function lastLogLines(clients: CloudClients, taskId: string, lineCount = 15): Promise<string[]> {
  const streamName = logStreamName(taskId);
  try {
    const response = await clients.logs.send(
      new GetLogEventsCommand({ logGroupName: LOG_GROUP_NAME, logStreamName: streamName, limit: lineCount, startFromHead: false }),
    );
    const lines = (response.events ?? []).flatMap((event) => (event.message ?? '').split('\n')).filter((line) => line !== '');
    return lines.length > 0 ? lines.slice(-lineCount) : ['(the log stream is empty)'];
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') {
      return [`(no log stream ${LOG_GROUP_NAME}/${streamName}: the container probably never started)`];
    }
    return [`(could not read the log: ${describeAwsFailure(error, { action: 'logs:GetLogEvents', resource: `${LOG_GROUP_NAME}/${streamName}` }).message})`];
  }
}
