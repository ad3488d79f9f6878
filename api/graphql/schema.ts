/**
 * The GraphQL schema: orchestrator-core's shape (Workflow, Process, ProcessStep, ProcessStatus,
 * queries workflows / workflow / processes / process, mutations startWorkflow / cancelProcess,
 * subscriptions processUpdates / workflowEvents) plus WAITING, step statuses (SKIPPED), paging,
 * retry and reconcile mutations, intents and drift.
 */
export const SCHEMA = /* GraphQL */ `
  "ISO 8601 date-time"
  scalar DateTime
  "Any JSON value"
  scalar JSON

  enum ProcessStatus {
    CREATED
    RUNNING
    WAITING
    COMPLETED
    FAILED
    CANCELLED
  }

  enum StepStatus {
    CREATED
    RUNNING
    WAITING
    COMPLETED
    FAILED
    CANCELLED
    SKIPPED
  }

  type Workflow {
    id: ID!
    name: String!
    target: String!
    description: String
    "JSON Schema of the form startWorkflow takes"
    formSchema: JSON!
    steps: [String!]!
    createdAt: DateTime!
    updatedAt: DateTime!
    "Newest first"
    processes(status: ProcessStatus, limit: Int = 20): [Process!]!
  }

  type IntentRef {
    kind: String!
    name: String!
  }

  type Process {
    id: ID!
    workflowId: ID!
    workflowName: String!
    status: ProcessStatus!
    formData: JSON!
    state: JSON!
    intent: IntentRef
    correlationId: String
    "The audit user: API token name or component"
    createdBy: String
    currentStep: String
    error: JSON
    attempts: Int!
    "Number of the latest event of the process: events with a higher seq are newer than this"
    eventSeq: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    startedAt: DateTime
    completedAt: DateTime
    "Step attempts by position, then attempt"
    steps: [ProcessStep!]!
  }

  type ProcessStep {
    id: ID!
    processId: ID!
    stepName: String!
    position: Int!
    attempt: Int!
    status: StepStatus!
    inputData: JSON!
    outputData: JSON!
    errorMessage: String
    error: JSON
    startedAt: DateTime
    completedAt: DateTime
  }

  type ProcessPage {
    items: [Process!]!
    "Pass as cursor for the next (older) page; null on the last page"
    nextCursor: String
  }

  type DriftCount {
    action: String!
    count: Int!
  }

  type DriftRow {
    objectKind: String!
    identity: String!
    action: String!
    "field -> {before, after}"
    diff: JSON!
    firstSeen: DateTime!
    lastSeen: DateTime!
  }

  type Intent {
    kind: String!
    name: String!
    source: String!
    revision: String
    mode: String!
    status: String!
    statusMessage: String
    drift: [DriftCount!]!
    driftTotal: Int!
    lastReconcileAt: DateTime
    spec: JSON!
    driftRows(limit: Int = 100): [DriftRow!]!
    "Newest first"
    processes(limit: Int = 10): [Process!]!
  }

  type ObjectKindDrift {
    objectKind: String!
    action: String!
    count: Int!
  }

  type IntentDrift {
    kind: String!
    name: String!
    mode: String!
    status: String!
    drift: [DriftCount!]!
    driftTotal: Int!
    lastReconcileAt: DateTime
  }

  type DriftSummary {
    total: Int!
    byAction: [DriftCount!]!
    byObjectKind: [ObjectKindDrift!]!
    intents: [IntentDrift!]!
  }

  type StepEvent {
    name: String!
    position: Int!
    attempt: Int!
    status: StepStatus!
  }

  "An engine event: process.created, process.updated, process.finished, step.updated or drift.changed"
  type WorkflowEvent {
    type: String!
    "The event's number in its process: 1, 2, 3... in commit order; a jump means missed events (read them with processEvents)"
    seq: Int!
    processId: ID
    workflow: String
    status: String
    step: StepEvent
    intent: IntentRef
    at: DateTime!
  }

  type Query {
    workflows: [Workflow!]!
    workflow(name: String!): Workflow
    "Newest first; at most 500"
    processes(
      status: ProcessStatus
      workflow: String
      intentKind: String
      intentName: String
      from: DateTime
      to: DateTime
      limit: Int = 50
      cursor: String
    ): [Process!]!
    processPage(
      status: ProcessStatus
      workflow: String
      intentKind: String
      intentName: String
      from: DateTime
      to: DateTime
      limit: Int = 50
      cursor: String
    ): ProcessPage!
    process(id: ID!): Process
    "Recorded events of a process with seq above after, oldest first (at most 1,000)"
    processEvents(processId: ID!, after: Int = 0, limit: Int = 100): [WorkflowEvent!]!
    intents(kind: String, status: String): [Intent!]!
    intent(kind: String!, name: String!): Intent
    drift(kind: String): DriftSummary!
  }

  type Mutation {
    "Needs the operator role"
    startWorkflow(name: String!, formData: JSON!): Process!
    "Needs the operator role; a running process stops at its next step or apply chunk"
    cancelProcess(id: ID!): Boolean!
    "Needs the operator role"
    retryProcess(id: ID!): Process!
    "Needs the operator role"
    reconcileIntent(kind: String!, name: String!): Process!
  }

  type Subscription {
    "The process (with its steps) each time it or one of its steps changes"
    processUpdates(processId: ID!): Process!
    "Every engine event; the events of each process in commit order (seq 1, 2, 3...)"
    workflowEvents: WorkflowEvent!
  }
`;
